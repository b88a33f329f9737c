import { Router } from 'express';
import { pingDatabase } from '../../lib/db/connection.js';
import { onlyGetAndHead } from '../../lib/http/only-get.js';
import { answeredOnPurpose } from '../../lib/http/request-log.js';
import { isStopping } from '../../lib/lifecycle.js';

/** How long one database ping answers readiness: probes and anonymous callers share it. */
const READY_CACHE_MS = 1000;

/**
 * The database's answer to readiness, asked at most once a second however many callers (and at
 * once: concurrent callers share the ping in flight). `/readyz` needs no credentials, so without
 * this every anonymous request was a database round trip.
 */
function cachedPing(ping: () => Promise<boolean>) {
  let last: { at: number; up: Promise<boolean> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= READY_CACHE_MS) last = { at: now, up: ping() };
    return last.up;
  };
}

/** Liveness answers while the process runs; readiness only while the database answers and we are not shutting down. */
export function healthRouter(ping: () => Promise<boolean> = pingDatabase): Router {
  const router = Router();
  const databaseUp = cachedPing(ping);
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    // Read live: a deploy must see readiness fail at once, from the signal on (during the drain
    // delay too, while every other request is still served). The database is still reported as
    // it is, so a drain is not taken for an outage.
    const draining = isStopping();
    const database = await databaseUp();
    const ready = database && !draining;
    // A shutdown's failed readiness is the deploy going as planned: logged at info (request-log).
    if (draining) answeredOnPurpose(res);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      database: database ? 'up' : 'down',
      draining,
    });
  });
  // Any other method: 405 with Allow, as the API's own routes answer (lib/http/route.ts). One
  // route per path: the request metric names a route by its (string) path.
  for (const path of ['/healthz', '/readyz']) router.all(path, onlyGetAndHead);
  return router;
}
