import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Ajv from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { createUser } from '../helpers/users.js';

/** A refusal the server answers (README: "so does a model's refusal") must fit the published schema. */
const upstream = await startUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream), MODELS: 'test-model' });
let server: Server;
let client: OpenAI;

beforeAll(async () => {
  server = ctx.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const user = await createUser({ label: 'refusal-doc' });
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'sdk' });
  client = new OpenAI({ apiKey: key.body.key as string, baseURL, maxRetries: 0 });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await upstream.close();
});

describe('the published /v1 answer and a refusal', () => {
  it('when the model refuses, then the JSON answer is valid against the published ChatCompletion schema', async () => {
    const doc = (await ctx.request().get('/api/openapi.json').expect(200)).body;
    // The JSON answer's schema is inline (no $ref); its keywords are draft-07's too.
    const ajv = new Ajv({ unknownFormats: 'ignore' });
    const schema =
      doc.paths['/v1/chat/completions'].post.responses['200'].content['application/json'].schema;
    const validate = ajv.compile(schema);

    upstream.script({ chunks: [], refusal: ['I cannot help with that.'] });
    const whole = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Something refused' }],
    });
    expect(whole.choices[0]!.message.refusal).toBe('I cannot help with that.');
    const valid = validate(whole);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });
});
