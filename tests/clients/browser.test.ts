import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail, useTestApp } from '../helpers/app.js';
import { listen } from '../helpers/sse.js';

/**
 * The built client (tsc output, ES modules) in headless Chromium, loaded by a page on another
 * origin than the API, as an SPA has it: CORS with credentials, the HttpOnly refresh cookie kept
 * by the browser, no bundler (an import map names the two libraries it imports).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not installed under this name
    }
  }
  return undefined;
}

const executablePath = findChromium();
if (!executablePath)
  console.warn(
    'tests/clients/browser.test.ts SKIPPED: no chromium binary on PATH (apt-get install -y chromium); .ci/run installs it',
  );

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
};

/** A static server for the SPA: its page, the built client, and the two libraries. */
async function servePage(clientDir: string) {
  const files: Record<string, string> = {
    '/vendor/openapi-fetch.js': path.join(ROOT, 'node_modules/openapi-fetch/dist/index.mjs'),
    '/vendor/eventsource-parser.js': path.join(
      ROOT,
      'node_modules/eventsource-parser/dist/index.js',
    ),
  };
  const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>SPA</title>
<script type="importmap">${JSON.stringify({
    imports: {
      'openapi-fetch': '/vendor/openapi-fetch.js',
      'eventsource-parser': '/vendor/eventsource-parser.js',
    },
  })}</script>
<script type="module">
  import { ApiError, createClient } from '/client/index.js';
  window.sigma = { ApiError, createClient };
  window.ready = true;
</script></head><body></body></html>`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    let file = files[url.pathname];
    if (!file && /^\/client\/[\w.-]+\.js$/.test(url.pathname))
      file = path.join(clientDir, url.pathname.slice('/client/'.length));
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': TYPES['.html']! }).end(page);
    } else if (file) {
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)]! }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!executablePath)('typed client in a browser SPA on another origin', () => {
  const env: Record<string, string> = {
    MODELS: 'demo',
    DEFAULT_MODEL: 'demo',
    DEMO_CHUNK_DELAY_MS: '5',
  };
  let clientDir: string;
  let pageServer: Awaited<ReturnType<typeof servePage>>;
  let browser: Browser;

  // Runs before useTestApp's own beforeAll: the API must allow the page's origin.
  beforeAll(async () => {
    clientDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-client-'));
    await promisify(execFile)(
      path.join(ROOT, 'node_modules/.bin/tsc'),
      ['-p', path.join(ROOT, 'clients/typescript/tsconfig.json'), '--outDir', clientDir],
      { cwd: ROOT },
    );
    pageServer = await servePage(clientDir);
    env.CORS_ORIGINS = pageServer.origin;
  }, 120_000);
  const ctx = useTestApp(env);
  let api: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    api = await listen(ctx.app);
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await pageServer?.close();
    if (clientDir) rmSync(clientDir, { recursive: true, force: true });
  });

  it('when the SPA signs up, chats, streams, refreshes and logs out, then every call works with cookies and CORS as a browser has them', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(pageServer.origin);
    // Runs in the page (the test's tsconfig has no DOM types, hence globalThis).
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);

    const apiBase = `http://127.0.0.1:${api.port}`;
    expect(new URL(apiBase).origin).not.toBe(pageServer.origin);
    const result = await page.evaluate(
      async ({ apiBase, email }) => {
        type Sigma = typeof import('../../clients/typescript/src/index.js');
        const { createClient, ApiError } = (globalThis as unknown as { sigma: Sigma }).sigma;
        const client = createClient({ baseUrl: apiBase });
        await client.signup({ email, password: 'correct horse battery staple', name: 'Ada' });
        const me = await client.me();
        const chat = await client.createChat({ title: 'From the browser' });
        const sent = await client.sendMessage(chat.id, { content: 'Hi' });
        const names: string[] = [];
        let text = '';
        for await (const event of client.stream(chat.id, { content: 'Stream please' })) {
          names.push(event.event);
          if (event.event === 'delta') text += event.data.content;
        }
        // The refresh cookie is HttpOnly and scoped to /api/auth: the page can neither read it
        // nor needs to; the browser sends it to the API's origin with credentials: 'include'.
        const refreshed = await client.refresh();
        const { cookie } = (globalThis as unknown as { document: { cookie: string } }).document;
        const cookieVisible = cookie.includes('refresh_token');
        let missing = '';
        try {
          await client.getChat('000000000000000000000000');
        } catch (error) {
          missing = error instanceof ApiError ? `${error.status} ${error.code}` : String(error);
        }
        await client.logout();
        let afterLogout = 0;
        try {
          await client.refresh();
        } catch (error) {
          afterLogout = error instanceof ApiError ? error.status : -1;
        }
        return {
          email: me.email,
          roles: sent.messages.map((m) => m.role),
          names,
          text,
          refreshed: typeof refreshed.accessToken === 'string',
          cookieVisible,
          missing,
          afterLogout,
        };
      },
      { apiBase, email: uniqueEmail('browser') },
    );

    expect(failures).toEqual([]);
    expect(result).toMatchObject({
      roles: ['user', 'assistant'],
      refreshed: true,
      cookieVisible: false,
      missing: '404 NOT_FOUND',
      afterLogout: 401,
    });
    expect(result.email).toMatch(/^browser\./);
    expect(result.names[0]).toBe('meta');
    expect(result.names.at(-1)).toBe('done');
    expect(result.text.length).toBeGreaterThan(0);
  }, 60_000);
});
