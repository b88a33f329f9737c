import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import { passwordBrakes, targetBySession } from './password-brake.js';
import { passwordGate } from './password-gate.js';
import * as controller from './users.controller.js';
import { ChangePasswordBody, DeleteMeBody, UpdateMeBody, UserSchema } from './users.schemas.js';

/**
 * The caller's own account. The paths stay under /api/auth, where clients have always found them
 * (and where the refresh cookie, which deleting the account clears, is sent).
 */
export function userRoutes(): RouteGroup {
  // Checking the current password is a password check like a login: the same brakes count its
  // failures, and it takes a place in the password-hashing queue like a login does.
  const passwordCheck = [
    ...passwordBrakes(targetBySession),
    passwordGate((req) => (req.auth ? `user:${req.auth.userId}` : undefined)),
  ];
  return {
    prefix: '/api/auth',
    tag: 'Auth',
    routes: [
      defineRoute({
        method: 'get',
        path: '/me',
        summary: 'The current user',
        auth: true,
        responses: { 200: { description: 'The current user', schema: UserSchema } },
        handler: controller.me,
      }),
      defineRoute({
        method: 'patch',
        path: '/me',
        summary: 'Change the display name',
        auth: true,
        request: { body: UpdateMeBody },
        responses: { 200: { description: 'The updated user', schema: UserSchema } },
        // 429: ACCOUNT_WRITES_PER_MINUTE (users.service checkAccountWriteRate).
        errors: [429],
        handler: controller.updateMe,
      }),
      defineRoute({
        method: 'post',
        path: '/password',
        summary: 'Change the password (ends every other session)',
        auth: true,
        request: { body: ChangePasswordBody },
        guards: passwordCheck,
        responses: {
          204: {
            description:
              'Password changed; this session goes on with a new refresh cookie (a copy of the old one no longer refreshes). The replies the other sessions and the API keys are streaming stop.',
          },
        },
        errors: [401],
        handler: controller.changePassword,
      }),
      defineRoute({
        method: 'delete',
        path: '/me',
        summary: 'Delete the account with all its chats, messages and sessions',
        description:
          'The last active administrator cannot delete their account (409 `LAST_ADMIN`): promote another one first. Once the deletion has begun removing the account (its sessions end first), it is finished even when the database fails meanwhile: 204, and the server finishes it when the database answers again; a failure before that removed nothing and may be retried.',
        auth: true,
        request: { body: DeleteMeBody },
        guards: passwordCheck,
        responses: { 204: { description: 'Account deleted' } },
        errors: [401, 409],
        handler: controller.deleteMe,
      }),
    ],
  };
}
