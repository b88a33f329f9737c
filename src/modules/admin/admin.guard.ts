import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';
import { authOf } from '../../lib/http/request-auth.js';
import { findAccount } from '../users/index.js';

/** Admin routes: the role is read from the account on every request, so a demotion applies at once. */
export const requireAdmin: RequestHandler = async (req, _res, next) => {
  const user = await findAccount(authOf(req).userId);
  if (!user || user.role !== 'admin' || user.disabled)
    throw new AppError('FORBIDDEN', 'Only administrators may do this');
  next();
};
