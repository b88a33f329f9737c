import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import * as controller from './usage.controller.js';
import { MyUsageSchema, UsageQuery } from './usage.schemas.js';

export function usageRoutes(): RouteGroup {
  return {
    prefix: '/api/usage',
    tag: 'Usage',
    routes: [
      defineRoute({
        method: 'get',
        path: '/',
        summary: "The caller's tokens by day and by model, and today's budget",
        description:
          'Every model call counts its prompt and completion tokens, as the provider reports them or, when it reports none, as counted by the server (`estimatedCalls`). Days are UTC.',
        auth: true,
        request: { query: UsageQuery },
        responses: { 200: { description: 'Usage report', schema: MyUsageSchema } },
        handler: controller.myUsage,
      }),
    ],
  };
}
