import { z } from 'zod';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import * as controller from './keys.controller.js';
import { CreateKeyBody, CreatedKeySchema, KeyIdParams, KeySchema } from './keys.schemas.js';

/** Personal API keys: managed with an access token, usable only on the OpenAI-compatible /v1. */
export function keyRoutes(): RouteGroup {
  return {
    prefix: '/api/keys',
    tag: 'API keys',
    routes: [
      defineRoute({
        method: 'post',
        path: '/',
        summary: 'Create a personal API key for /v1 (shown once)',
        description:
          'The key authenticates only on `/v1/*` (`Authorization: Bearer sgpt_…`), never on `/api/*`. ' +
          'It stops working when deleted, when it expires, when the account is deleted and when the password changes. ' +
          'At most `API_KEYS_PER_USER` (20) keys per account: one more is a 409 `TOO_MANY_KEYS`.',
        auth: true,
        request: { body: CreateKeyBody },
        responses: { 201: { description: 'The new key, in full', schema: CreatedKeySchema } },
        // 429: ACCOUNT_WRITES_PER_MINUTE, for keys made and deleted alike.
        errors: [409, 429],
        handler: controller.create,
      }),
      defineRoute({
        method: 'get',
        path: '/',
        summary: 'List your API keys (never the keys themselves)',
        auth: true,
        responses: { 200: { description: 'Keys, newest first', schema: z.array(KeySchema) } },
        handler: controller.list,
      }),
      defineRoute({
        method: 'delete',
        path: '/:id',
        summary: 'Delete an API key (it stops working at once, on every instance)',
        auth: true,
        request: { params: KeyIdParams },
        responses: { 204: { description: 'Deleted; a /v1 completion it is streaming stops' } },
        errors: [404, 429],
        handler: controller.remove,
      }),
    ],
  };
}
