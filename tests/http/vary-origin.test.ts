import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

const ctx = useTestApp();

// A cacheable answer whose CORS headers depend on Origin must say so whatever the Origin was,
// or a shared cache stores the answer given to one origin (no Access-Control-Allow-Origin) and
// serves it to the allow-listed SPA (fetch fails) for max-age.
describe('Vary: Origin on cacheable answers', () => {
  it.each([undefined, 'https://evil.example'])(
    'when /docs/assets/swagger-ui.css (public, max-age=86400) is fetched with Origin %s, then Vary names Origin',
    async (origin) => {
      const req = ctx.request().get('/docs/assets/swagger-ui.css');
      if (origin) req.set('Origin', origin);
      const res = await req;
      expect(res.headers['cache-control']).toMatch(/public/);
      expect(String(res.headers.vary)).toMatch(/Origin/);
    },
  );
});
