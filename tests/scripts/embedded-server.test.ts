import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/config.js';

const root = path.resolve(import.meta.dirname, '../..');
const helper = path.join(root, 'scripts/lib/embedded-server.sh');
const work = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-embedded-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const example = readFileSync(path.join(root, '.env.example'), 'utf8');
/** Every key of .env.example, commented out or not. */
const exampleKeys = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

/** What the server does first (src/server.ts imports load-env.ts): the .env, then the configuration. */
const startUp = `
  await import(${JSON.stringify(pathToFileURL(path.join(root, 'src/lib/load-env.ts')).href)});
  const { config } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'src/lib/config.ts')).href)});
  console.log(JSON.stringify({ config: config(), FERRETDB_BIN: process.env.FERRETDB_BIN }));
`;

/**
 * The configuration the server of `npm run kits`, `npm run fuzz` and the Python check starts with:
 * the helper's environment for it, then the server's start-up in a directory whose `.env` is
 * `dotenv`, from a shell that exports `shell`.
 */
function kitServer(
  dotenv: Record<string, string>,
  shell: Record<string, string> = {},
  extra: string[] = [],
) {
  writeFileSync(
    path.join(work, '.env'),
    Object.entries(dotenv)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(''),
  );
  const out = execFileSync(
    'bash',
    [
      '-c',
      'source "$1"; shift; embedded_server_env 4123 "$PWD" "$@"; exec env "${SERVER_ENV[@]}" "$NODE_BIN" --import "$TSX" --input-type=module -e "$START_UP"',
      'bash',
      helper,
      ...extra,
    ],
    {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_BIN: process.execPath,
        TSX: pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
        START_UP: startUp,
        ...shell,
      },
      encoding: 'utf8',
    },
  );
  return JSON.parse(out) as { config: Record<string, unknown>; FERRETDB_BIN?: string };
}

/** The embedded defaults with the helper's fixed settings and the caller's. */
const defaults = (extra: Record<string, string> = {}) =>
  JSON.parse(
    JSON.stringify(
      loadConfig({
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '4123',
        DATA_DIR: path.join(work, 'data'),
        LOG_LEVEL: 'warn',
        DEMO_CHUNK_DELAY_MS: '0',
        ...extra,
      }),
    ),
  ) as Record<string, unknown>;

describe('the server of the kits, the fuzzer and the Python check (scripts/lib/embedded-server.sh)', () => {
  it('when every setting of the configuration is listed, then .env.example names it (the helper gives each one to the server)', () => {
    const settings = Object.keys(loadConfig({ DATA_DIR: path.join(work, 'data') })).filter((key) =>
      /^[A-Z][A-Z0-9_]+$/.test(key),
    );
    expect(settings.length).toBeGreaterThan(50);
    expect(settings.filter((key) => !exampleKeys.includes(key))).toEqual([]);
  });

  it('when a local .env names another database, a provider, models and other settings, then the server still starts on the embedded database, the demo model and the defaults', () => {
    const server = kitServer(
      {
        ...(parseEnv(example) as Record<string, string>),
        MONGODB_URI: 'mongodb://127.0.0.1:9/real',
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
        OPENAI_API_KEY: 'ollama',
        MODELS: 'llama3.2',
        DEFAULT_MODEL: 'llama3.2',
        NODE_ENV: 'production',
        JWT_SECRET: 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG1aE3iU8oQ0zP',
        SIGNUP_LIMIT_PER_IP: '1',
        MESSAGES_PER_MINUTE: '1',
        MAX_MESSAGE_CHARS: '3',
        TITLES: 'off',
        ADMIN_EMAILS: 'me@example.com',
        METRICS_PORT: '9100',
        TOKEN_BUDGET_PER_DAY: '5',
        FERRETDB_BIN: '/opt/ferretdb',
      },
      {},
      ['RATE_LIMITS_ENABLED=false'],
    );
    expect(server.config.MONGODB_URI).toBeUndefined();
    expect(server.config.models).toEqual(['demo']);
    expect(server.config).toEqual(defaults({ RATE_LIMITS_ENABLED: 'false' }));
    // Not a setting but the embedded database's own: still read from .env.
    expect(server.FERRETDB_BIN).toBe('/opt/ferretdb');
  });

  it('when the shell exports settings, then they reach the server, except the database, the provider and the models', () => {
    const server = kitServer(
      { TITLES: 'on', MESSAGES_PER_MINUTE: '1' },
      {
        TITLES: 'off',
        MONGODB_URI: 'mongodb://127.0.0.1:9/real',
        OPENAI_API_KEY: 'sk-real',
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
        MODELS: 'gpt-4o',
        DEFAULT_MODEL: 'gpt-4o',
        MESSAGES_PER_MINUTE: '7',
      },
      ['MESSAGES_PER_MINUTE=1000'],
    );
    expect(server.config).toEqual(defaults({ TITLES: 'off', MESSAGES_PER_MINUTE: '1000' }));
  });
});
