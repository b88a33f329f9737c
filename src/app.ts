import cookieParser from 'cookie-parser';
import express, { type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { config } from './lib/config.js';
import { isDatabaseConnected } from './lib/db/connection.js';
import { AppError, serviceUnavailable } from './lib/errors.js';
import { jsonBody } from './lib/http/body.js';
import { errorHandler } from './lib/http/error-handler.js';
import { requestId } from './lib/http/request-id.js';
import { buildRouter, type RouteGroup } from './lib/http/route.js';
import { corsPolicy, noStore, securityHeaders } from './lib/http/security.js';
import { isDraining } from './lib/lifecycle.js';
import { logger } from './lib/logger.js';
import { requestContext } from './lib/request-context.js';
import { authenticate } from './modules/auth/auth.middleware.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { chatRoutes } from './modules/chats/chats.routes.js';
import { compatRoutes } from './modules/chats/compat.routes.js';
import { modelRoutes } from './modules/models/models.routes.js';
import { docsRouter } from './modules/docs/docs.routes.js';
import { healthRouter } from './modules/health/health.routes.js';
import { usageRoutes } from './modules/usage/index.js';
import { adminRoutes } from './modules/admin/index.js';
import { metricsRouter } from './modules/metrics/index.js';
import { httpMetrics } from './lib/metrics.js';

/** Every route group of the API; the OpenAPI description is generated from the same list. */
export function routeGroups(): RouteGroup[] {
  return [authRoutes(), chatRoutes(), compatRoutes(), modelRoutes(), usageRoutes(), adminRoutes()];
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

  app.use(
    pinoHttp({
      logger,
      genReqId: requestId,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      // Only the fields worth keeping; headers (and with them every credential) are left out.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use((req, _res, next) => requestContext.run(String(req.id), next));
  app.use(httpMetrics);
  app.use(securityHeaders());
  app.use(corsPolicy(c.CORS_ORIGINS));
  app.use(healthRouter());
  app.use(metricsRouter(c));
  // Public and independent of the database: mounted before the /api middleware.
  app.use(docsRouter(groups));

  app.use('/api', noStore, availability, ...jsonBody(c.BODY_LIMIT), cookieParser());
  for (const group of groups) app.use(group.prefix, buildRouter(group, authenticate));

  app.use((req, _res, next) => next(new AppError('NOT_FOUND', 'No such route')));
  app.use(errorHandler);
  return app;
}
