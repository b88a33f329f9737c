import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { reloadConfig } from '../../src/lib/config.js';
import { useTestApp } from '../helpers/app.js';

const ctx = useTestApp();

/** An app built with other settings; the file's configuration is restored afterwards. */
function appWith(env: Record<string, string>) {
  reloadConfig({ ...process.env, ...env });
  return supertest(createApp());
}
afterAll(() => {
  reloadConfig(process.env);
});

describe('the interactive reference', () => {
  it('when /docs is served, then Swagger UI does not keep the bearer token in localStorage', async () => {
    const init = await ctx.request().get('/docs/init.js');
    expect(init.status).toBe(200);
    expect(init.text).toMatch(/persistAuthorization:\s*false/);
    expect(init.text).not.toMatch(/localStorage/);
  });

  it('when DOCS_ENABLED=false, then /docs and its assets are 404 JSON, while the OpenAPI description stays', async () => {
    const request = appWith({ DOCS_ENABLED: 'false' });
    for (const path of ['/docs', '/docs/init.js', '/docs/assets/swagger-ui.css']) {
      const res = await request.get(path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await request.get('/api/openapi.json')).status).toBe(200);
  });

  it('when production leaves DOCS_ENABLED unset, then /docs is off', async () => {
    const request = appWith({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      MODELS: 'demo',
    });
    expect((await request.get('/docs')).status).toBe(404);
    const on = appWith({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      MODELS: 'demo',
      DOCS_ENABLED: 'true',
    });
    expect((await on.get('/docs')).status).toBe(200);
  });
});
