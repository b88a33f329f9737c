import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { config } from '../../lib/config.js';
import { onlyGetAndHead } from '../../lib/http/only-get.js';
import type { RouteGroup } from '../../lib/http/route.js';
import { openApiDocument } from './openapi.js';

const swaggerUiDir = path.dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/** Only the files the page loads; nothing else from the package is reachable. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * The page needs its own scripts and styles (Swagger UI sets inline style attributes and uses
 * data: images), and talks only to this origin. Everything else stays refused.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>SigmaGPT API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// After a successful signup, login or refresh the page authorises itself with the new token,
// so "Try it out" works on protected routes without copying it by hand.
const INIT = `window.addEventListener('load', function () {
  var ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // The access token stays in the page's memory: persisted in the browser's storage, any script on this
    // origin (or anyone at the machine later) could read it.
    persistAuthorization: false,
    withCredentials: true,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    responseInterceptor: function (res) {
      var body = res && res.body;
      if (res && res.ok && body && typeof body.accessToken === 'string' && /\\/api\\/auth\\/(signup|register|login|refresh)$/.test(res.url)) {
        ui.preauthorizeApiKey('bearerAuth', body.accessToken);
      }
      return res;
    }
  });
  window.ui = ui;
});
`;

const docsPolicy: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', DOCS_CSP);
  next();
};

/**
 * `GET /api/openapi.json` and the interactive reference at `GET /docs` (assets served locally).
 * The reference is left out when DOCS_ENABLED is off (the default in production); the description
 * stays, as clients and tools read it.
 */
export function docsRouter(groups: RouteGroup[]): Router {
  const router = Router();
  let json: string | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    json ??= JSON.stringify(openApiDocument(groups));
    res.type('application/json; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(json);
  });
  // Another method: 405 with Allow (OPTIONS 204), as its description publishes and every other
  // path answers, not the 404 of the /api fallback (nor Express's own text/plain OPTIONS).
  router.all('/api/openapi.json', onlyGetAndHead);
  if (!config().docsEnabled) return router;
  router.get('/docs', docsPolicy, (_req, res) => {
    res.type('text/html; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(PAGE);
  });
  router.get('/docs/init.js', docsPolicy, (_req, res) => {
    res.type('text/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(INIT);
  });
  for (const page of ['/docs', '/docs/init.js']) router.all(page, onlyGetAndHead);
  const cache = new Map<string, Buffer>();
  router.get('/docs/assets/:file', docsPolicy, (req, res, next) => {
    const file = String(req.params.file);
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) return next();
    let body = cache.get(file);
    if (!body) {
      body = readFileSync(path.join(swaggerUiDir, file));
      cache.set(file, body);
    }
    res.type(type).setHeader('Cache-Control', 'public, max-age=86400');
    res.send(body);
  });
  return router;
}
