import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';
import { authOf } from '../auth/auth.middleware.js';
import { User } from '../users/user.model.js';

/** Admin routes: the role is read from the account on every request, so a demotion applies at once. */
export const requireAdmin: RequestHandler = async (req, _res, next) => {
  const user = await User.findById(authOf(req).userId, { role: 1, disabled: 1 }).lean();
  if (!user || user.role !== 'admin' || user.disabled)
    throw new AppError('FORBIDDEN', 'Only administrators may do this');
  next();
};
