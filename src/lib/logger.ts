import pino from 'pino';
import { config } from './config.js';

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

export const logger = pino({
  level: config().LOG_LEVEL,
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  base: { service: 'sigmagpt-api' },
});
