/**
 * Checks the interactive reference in a real browser: /docs renders under its CSP with no console
 * error and no request leaving the origin, a sign-up made from the page authorises it, and an
 * authenticated call (GET /api/auth/me) from the page answers 200. Saves screenshots.
 *
 *   npx tsx scripts/check-docs.ts                 starts a server of its own (embedded database)
 *   DOCS_BASE_URL=http://localhost:3000 npx tsx scripts/check-docs.ts   uses a running server
 *
 * Needs Debian's chromium (apt-get install -y chromium) or CHROMIUM_PATH; not part of CI, since
 * chromium is not guaranteed there. Screenshots go to SCREENSHOT_DIR (default: a temp folder).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error('chromium not found: apt-get install -y chromium, or set CHROMIUM_PATH');
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function startServer(): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-docs-'));
  // The server loads a local .env, which fills every setting missing from its environment: each
  // setting (every key of .env.example) is given, empty (its default) unless this process has it,
  // and the database, the provider and the models are empty even then, as in
  // scripts/lib/embedded-server.sh.
  const env: NodeJS.ProcessEnv = { ...process.env };
  const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  for (const [, key] of example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)) env[key!] ??= '';
  Object.assign(env, {
    MONGODB_URI: '',
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    MODELS: '',
    DEFAULT_MODEL: '',
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DEMO_CHUNK_DELAY_MS: '0',
  });
  env.PATH = `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${env.PATH ?? ''}`;
  // A process group of its own, so the whole tree (tsx, node, embedded database) can be ended.
  const child = spawn('tsx', ['src/server.ts'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i += 1) {
    if (child.exitCode !== null) throw new Error('the server exited during start-up');
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) return { baseUrl, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not become ready');
}

async function execute(page: Page, operation: string, body?: unknown): Promise<string> {
  const block = page.locator(`#operations-${operation}`);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  if (body !== undefined)
    await block.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  return (await status.innerText()).trim();
}

async function main() {
  const own = process.env.DOCS_BASE_URL ? undefined : await startServer();
  const baseUrl = process.env.DOCS_BASE_URL ?? own!.baseUrl;
  const outDir =
    process.env.SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-docs-shots-'));
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const problems: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const origin = new URL(baseUrl).origin;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== origin)
        problems.push(`request leaves the origin: ${request.url()}`);
    });

    const response = await page.goto(`${baseUrl}/docs`);
    if (response?.status() !== 200) throw new Error(`/docs answered ${response?.status()}`);
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
    const title = await page.locator('.swagger-ui .info .title').innerText();
    if (!title.includes('SigmaGPT API')) problems.push(`unexpected title: ${title}`);
    const operations = await page.locator('.opblock').count();
    await page.screenshot({ path: path.join(outDir, 'docs.png'), fullPage: false });

    const email = `docs.${Date.now()}@example.test`;
    const signup = await execute(page, 'Auth-postAuthSignup', {
      email,
      password: 'correct horse battery staple',
      name: 'Docs check',
    });
    if (signup !== '201') problems.push(`sign-up from the page answered ${signup}`);
    const me = await execute(page, 'Auth-getAuthMe');
    if (me !== '200')
      problems.push(
        `GET /api/auth/me from the page answered ${me} (expected 200: the page should be authorised)`,
      );
    const meBlock = page.locator('#operations-Auth-getAuthMe');
    await meBlock.scrollIntoViewIfNeeded();
    await meBlock.screenshot({ path: path.join(outDir, 'docs-me.png') });

    console.log(
      `docs: ${operations} operations rendered; sign-up ${signup}, GET /api/auth/me ${me}; screenshots in ${outDir}`,
    );
  } finally {
    await browser.close();
    if (own) {
      try {
        process.kill(-own.child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
}

await main();
