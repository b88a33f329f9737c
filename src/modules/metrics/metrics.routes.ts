import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import express, { Router, type RequestHandler } from 'express';
import type { Config } from '../../lib/config.js';
import { AppError, unauthenticated } from '../../lib/errors.js';
import { errorHandler } from '../../lib/http/error-handler.js';
import { onlyGetAndHead } from '../../lib/http/only-get.js';
import { requestId } from '../../lib/http/request-id.js';
import { httpMetrics, registry } from '../../lib/metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. */
function hasToken(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header?.trim() ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

const scrape: RequestHandler = async (_req, res) => {
  const body = await registry.metrics();
  res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(body);
};

/**
 * GET /metrics on the public port: only with METRICS_TOKEN set and presented as a bearer token.
 * With METRICS_PORT set it is served there instead, and this one answers 404, as it does when
 * neither is configured (metrics are never public by default).
 */
export function metricsRouter(c: Config): Router {
  const router = Router();
  // Served here only with a token, and only when no port of its own serves it.
  const token = c.METRICS_PORT === 0 ? c.METRICS_TOKEN : undefined;
  router.get('/metrics', (req, res, next) => {
    if (!token) return next(new AppError('NOT_FOUND', 'No such route'));
    if (!hasToken(req.headers.authorization, token))
      return next(unauthenticated('Send the metrics token as "Authorization: Bearer <token>"'));
    return scrape(req, res, next);
  });
  // Another method: 405 where the route is served, 404 (no such route) where it is not, OPTIONS
  // included (the router's own answer, a 200 naming GET and HEAD, would tell of a route not served).
  router.all(
    '/metrics',
    token ? onlyGetAndHead : (_req, _res, next) => next(new AppError('NOT_FOUND', 'No such route')),
  );
  return router;
}

/**
 * The metrics on a port of their own (METRICS_PORT, on METRICS_HOST: loopback by default), for
 * a scraper inside the network; METRICS_TOKEN, when also set, is required there too.
 */
export function startMetricsServer(c: Config): Promise<http.Server> {
  const app = express();
  app.disable('x-powered-by');
  // Its errors carry a request id as the API port's do (there the request log sets it).
  app.use((req, res, next) => {
    req.id = requestId(req, res);
    next();
  });
  app.use(httpMetrics);
  app.get('/metrics', (req, res, next) => {
    if (c.METRICS_TOKEN && !hasToken(req.headers.authorization, c.METRICS_TOKEN))
      return next(unauthenticated('Send the metrics token as "Authorization: Bearer <token>"'));
    return scrape(req, res, next);
  });
  app.all('/metrics', onlyGetAndHead);
  app.use((_req, _res, next) => next(new AppError('NOT_FOUND', 'No such route')));
  app.use(errorHandler);
  const server = http.createServer(app);
  return new Promise((resolve, reject) => {
    // Named: the API listens already, so "listen EADDRINUSE" alone would look like PORT's.
    server.once('error', (error) =>
      reject(new Error(`METRICS_PORT ${c.METRICS_PORT}: ${error.message}`, { cause: error })),
    );
    server.listen(c.METRICS_PORT, c.METRICS_HOST, () => resolve(server));
  });
}
