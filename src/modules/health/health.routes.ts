import { Router } from 'express';
import { pingDatabase } from '../../lib/db/connection.js';
import { isDraining } from '../../lib/lifecycle.js';

/** Liveness answers while the process runs; readiness only while the database answers and we are not draining. */
export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = !isDraining() && (await pingDatabase());
    res.status(database ? 200 : 503).json({
      status: database ? 'ready' : 'unavailable',
      database: database ? 'up' : 'down',
      draining: isDraining(),
    });
  });
  return router;
}
