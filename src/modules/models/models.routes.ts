import { z } from 'zod';
import { config } from '../../lib/config.js';
import { defineRoute, type RouteGroup } from '../../lib/http/route.js';
import { DEMO_MODEL } from '../../lib/llm/index.js';

export const ModelSchema = z
  .object({
    id: z.string(),
    provider: z
      .enum(['openai', 'demo'])
      .describe('"openai": the OpenAI-compatible upstream at OPENAI_BASE_URL'),
    default: z.boolean(),
  })
  .meta({ id: 'Model' });

export function listModels(): z.infer<typeof ModelSchema>[] {
  const c = config();
  return c.models.map((id) => ({
    id,
    provider: id === DEMO_MODEL ? 'demo' : 'openai',
    default: id === c.defaultModel,
  }));
}

export function modelRoutes(): RouteGroup {
  return {
    prefix: '/api/models',
    tag: 'Models',
    routes: [
      defineRoute({
        method: 'get',
        path: '/',
        summary: 'The models this server allows',
        auth: true,
        responses: {
          200: {
            description: 'Allowed models; any other model in a chat or message is a 400',
            schema: z.array(ModelSchema),
          },
        },
        handler: (_req, res) => {
          res.json(listModels());
        },
      }),
    ],
  };
}
