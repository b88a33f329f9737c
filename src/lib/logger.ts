import pino from 'pino';
import { config } from './config.js';
import { currentRequestId } from './request-context.js';

/** Everything that could carry a credential is removed before a line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.apiKey',
  '*.jwtSecret',
  '*.OPENAI_API_KEY',
  '*.JWT_SECRET',
];

const { NODE_ENV, LOG_LEVEL } = config();

export const logger = pino({
  level: LOG_LEVEL,
  // Readable lines for a developer at a terminal; JSON everywhere else (containers, CI, files).
  ...(NODE_ENV === 'development' && process.stdout.isTTY
    ? {
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service' },
        },
      }
    : {}),
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  base: { service: 'sigmagpt-api' },
  mixin: () => {
    const reqId = currentRequestId();
    return reqId ? { reqId } : {};
  },
});
