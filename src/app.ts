import express, { type RequestHandler } from 'express';
import { config } from './lib/config.js';
import { isDatabaseConnected } from './lib/db/connection.js';
import { AppError, serviceUnavailable } from './lib/errors.js';
import { jsonBody, jsonBodyExcept } from './lib/http/body.js';
import { oneRequestAtATime } from './lib/http/one-at-a-time.js';
import { sendTimeout } from './lib/http/send-timeout.js';
import { errorHandler } from './lib/http/error-handler.js';
import { requestLog } from './lib/http/request-log.js';
import { buildRouter, readsOwnBody, type RouteGroup } from './lib/http/route.js';
import { corsPolicy, noStore, securityHeaders } from './lib/http/security.js';
import { isDraining } from './lib/lifecycle.js';
import { requestContext } from './lib/request-context.js';
import { aiSdkRoutes } from './modules/ai-sdk/index.js';
import { authenticate, authRoutes } from './modules/auth/index.js';
import { chatRoutes, compatRoutes } from './modules/chats/index.js';
import { docsRouter } from './modules/docs/index.js';
import { healthRouter } from './modules/health/index.js';
import { keyRoutes } from './modules/keys/index.js';
import { modelRoutes } from './modules/models/index.js';
import { openAiFallbacks, openAiRoutes } from './modules/openai/index.js';
import { userRoutes } from './modules/users/index.js';
import { adminRoutes } from './modules/admin/index.js';
import { metricsRouter } from './modules/metrics/index.js';
import { usageRoutes } from './modules/usage/index.js';
import { httpMetrics } from './lib/metrics.js';

/**
 * Every route group of the API, in the order they are mounted and documented; the OpenAPI
 * description is generated from the same list. Auth and users share the /api/auth prefix.
 */
export function routeGroups(): RouteGroup[] {
  return [
    authRoutes(),
    userRoutes(),
    chatRoutes(),
    compatRoutes(),
    modelRoutes(),
    keyRoutes(),
    openAiRoutes(),
    aiSdkRoutes(),
    usageRoutes(),
    adminRoutes(),
  ];
}

/** New requests are refused while draining, and at once while the database is known to be down. */
const availability: RequestHandler = (_req, _res, next) => {
  if (isDraining())
    return next(
      new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; retry shortly', {
        headers: { 'Retry-After': '1', Connection: 'close' },
      }),
    );
  if (!isDatabaseConnected()) return next(serviceUnavailable());
  next();
};

export function createApp(groups: RouteGroup[] = routeGroups()) {
  const c = config();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', c.TRUST_PROXY);
  app.set('etag', false);

  // Before anything runs for a request: one at a time per connection (pipelining).
  app.use(oneRequestAtATime);
  // An answer its client does not take is not held for good (send-timeout.ts).
  app.use(sendTimeout(c.SEND_TIMEOUT_MS));

  app.use(requestLog());
  app.use((req, _res, next) => requestContext.run(req.id!, next));
  app.use(httpMetrics);
  app.use(securityHeaders());
  app.use(corsPolicy(c.CORS_ORIGINS));
  // RFC 9112 3.2: an HTTP/1.1 request without Host is a 400 (Node's check is off: server-options.ts).
  app.use((req, _res, next) =>
    next(
      req.httpVersion === '1.1' && req.headers.host === undefined
        ? new AppError('BAD_REQUEST', 'An HTTP/1.1 request must carry a Host header')
        : undefined,
    ),
  );
  app.use(healthRouter());
  app.use(metricsRouter(c));
  // Public and independent of the database: mounted before the /api middleware.
  app.use(docsRouter(groups));

  // No cookie-parser: the refresh cookie is read from the raw header (refresh-cookie.ts), and the
  // two objects it hung on every request lived as long as the request (a whole streamed reply).
  // A route with a limit of its own (a chat's import) reads its body once authenticated.
  app.use('/api', noStore, availability, ...jsonBodyExcept(readsOwnBody(groups), c.BODY_LIMIT));
  // The OpenAI-compatible surface: API keys instead of access tokens, OpenAI's error shape.
  app.use('/v1', noStore, availability, ...jsonBody(c.V1_BODY_LIMIT));
  for (const group of groups)
    app.use(group.prefix, buildRouter(group, group.authenticate ?? authenticate));
  app.use('/v1', ...openAiFallbacks());

  app.use((req, _res, next) => next(new AppError('NOT_FOUND', 'No such route')));
  app.use(errorHandler);
  return app;
}
