import type { Request, Response } from 'express';
import type { z } from 'zod';
import { authOf } from '../../lib/http/request-auth.js';
import { budgetOf } from './budget.service.js';
import { resolveRange, type UsageQuery } from './usage.schemas.js';
import { usageReport } from './usage.service.js';

export async function myUsage(
  req: Request,
  res: Response,
  { query }: { query: z.infer<typeof UsageQuery> },
) {
  const { userId } = authOf(req);
  const { from, to } = resolveRange(query);
  const [report, budget] = await Promise.all([usageReport(from, to, userId), budgetOf(userId)]);
  res.json({ ...report, budget });
}
