import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { startUpstream } from '../helpers/upstream.js';
import { useSdkClient } from '../helpers/sdk-client.js';

/** A refusal the server answers (README: "so does a model's refusal") must fit the published schema. */
const upstream = await startUpstream();
const ctx = useTestApp({ ...NO_TIGHT_LIMITS, ...upstreamEnv(upstream), MODELS: 'test-model' });
const sdk = useSdkClient(ctx, 'refusal-doc');

afterAll(async () => {
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
    const whole = await sdk.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Something refused' }],
    });
    expect(whole.choices[0]!.message.refusal).toBe('I cannot help with that.');
    const valid = validate(whole);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });
});
