import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

/**
 * A plain route (health, metrics) asked with another method than GET or HEAD: 405 with Allow, as
 * the API's own routes answer (route.ts); OPTIONS gets 204 with Allow.
 */
export const onlyGetAndHead: RequestHandler = (req, res, next) => {
  res.set('Allow', 'GET, HEAD');
  if (req.method === 'OPTIONS') return void res.status(204).end();
  next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use GET, HEAD`));
};
