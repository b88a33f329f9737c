import { NEXT_PAGE_HEADER } from '../../lib/http/pagination.js';
import { z } from 'zod';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import * as controller from './admin.controller.js';
import { requireAdmin } from './admin.guard.js';
import {
  AdminUsageQuery,
  AdminUsageReportSchema,
  AdminUserSchema,
  adminSchemas,
  AuditEntrySchema,
  UpdateUserBody,
  UserIdParams,
} from './admin.schemas.js';

/** Operator routes: an access token of an account with role `admin`; anyone else gets 403. */
export function adminRoutes(): RouteGroup {
  const s = adminSchemas();
  const admin = { auth: true as const, guards: [requireAdmin] };
  return {
    prefix: '/api/admin',
    tag: 'Admin',
    routes: [
      defineRoute({
        ...admin,
        method: 'get',
        path: '/users',
        summary: "Accounts, newest first, each with today's usage and budget",
        request: { query: s.UsersQuery },
        responses: {
          200: {
            description: 'A page of accounts; `Link: <…>; rel="next"` when more exist',
            schema: z.array(AdminUserSchema),
            headers: NEXT_PAGE_HEADER,
          },
        },
        errors: [403],
        handler: controller.listUsers,
      }),
      defineRoute({
        ...admin,
        method: 'get',
        path: '/users/:id',
        summary: "One account with today's usage and budget",
        request: { params: UserIdParams },
        responses: { 200: { description: 'The account', schema: AdminUserSchema } },
        errors: [403],
        handler: controller.getUser,
      }),
      defineRoute({
        ...admin,
        method: 'patch',
        path: '/users/:id',
        summary: "Change an account's daily token budget, role or disabled state",
        description:
          'Disabling ends every session of the account at once on every instance and stops the replies it is generating. ' +
          'The last active administrator cannot be demoted or disabled (409 `LAST_ADMIN`); an account whose owner is deleting it cannot be made an administrator (409 `ACCOUNT_BEING_DELETED`). Every change is recorded in the audit.',
        request: { params: UserIdParams, body: UpdateUserBody },
        responses: {
          200: { description: 'The account after the change', schema: AdminUserSchema },
        },
        errors: [403, 409],
        handler: controller.updateUser,
      }),
      defineRoute({
        ...admin,
        method: 'post',
        path: '/users/:id/sign-out',
        summary: 'End every session, API key and running reply of an account',
        description:
          'For a leaked password or key: the account stays enabled, and its owner logs in again and makes new keys. ' +
          'On every instance at once; the replies being generated stop as with POST /api/chats/{id}/stop. Recorded in the audit as `user.signOut`.',
        request: { params: UserIdParams },
        responses: { 204: { description: 'Signed out everywhere' } },
        errors: [403],
        handler: controller.signOut,
      }),
      defineRoute({
        ...admin,
        method: 'get',
        path: '/usage',
        summary: 'Tokens of every user (or one) by day, by model and by user',
        request: { query: AdminUsageQuery },
        responses: { 200: { description: 'Usage report', schema: AdminUsageReportSchema } },
        errors: [403],
        handler: controller.usage,
      }),
      defineRoute({
        ...admin,
        method: 'get',
        path: '/audit',
        summary: 'Administrative changes, newest first: who, what, before and after, when',
        request: { query: s.AuditQuery },
        responses: {
          200: {
            description: 'A page of audit entries; `Link` points to older ones',
            schema: z.array(AuditEntrySchema),
            headers: NEXT_PAGE_HEADER,
          },
        },
        errors: [403],
        handler: controller.audit,
      }),
    ],
  };
}
