import type { Request, Response } from 'express';
import type { z } from 'zod';
import { config } from '../../lib/config.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import { setNextLink } from '../../lib/http/pagination.js';
import { authOf } from '../../lib/http/request-auth.js';
import { resolveRange } from '../usage/index.js';
import type { AdminUsageQuery, adminSchemas, UpdateUserBody } from './admin.schemas.js';
import * as admin from './admin.service.js';
import { listAudit } from './audit.service.js';

type Schemas = ReturnType<typeof adminSchemas>;
type Id = { id: ObjectIdString };

export async function listUsers(
  req: Request,
  res: Response,
  { query }: { query: z.infer<Schemas['UsersQuery']> },
) {
  const { limit, ...filters } = query;
  const page = await admin.listUsers({ ...filters, limit: limit ?? config().PAGE_SIZE_MAX });
  setNextLink(req, res, page.nextCursor);
  res.json(page.items);
}

export async function getUser(_req: Request, res: Response, { params }: { params: Id }) {
  res.json(await admin.getUser(params.id));
}

export async function updateUser(
  req: Request,
  res: Response,
  { params, body }: { params: Id; body: z.infer<typeof UpdateUserBody> },
) {
  res.json(await admin.updateUser(authOf(req).userId, params.id, body));
}

export async function signOut(req: Request, res: Response, { params }: { params: Id }) {
  await admin.signOutUser(authOf(req).userId, params.id);
  res.status(204).end();
}

export async function usage(
  _req: Request,
  res: Response,
  { query }: { query: z.infer<typeof AdminUsageQuery> },
) {
  const { from, to } = resolveRange(query);
  res.json(await admin.usageReport(from, to, query.userId));
}

export async function audit(
  req: Request,
  res: Response,
  { query }: { query: z.infer<Schemas['AuditQuery']> },
) {
  const page = await listAudit({ ...query, limit: query.limit ?? config().PAGE_SIZE_MAX });
  setNextLink(req, res, page.nextCursor);
  res.json(page.items);
}
