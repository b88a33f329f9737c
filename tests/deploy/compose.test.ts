import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/lib/config.js';

const root = path.resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'compose.yaml'), 'utf8')) as {
  services: {
    api: {
      environment: Record<string, string | number>;
      env_file: { path: string; required: boolean }[];
    };
  };
};
const api = compose.services.api;

/** Compose's interpolation of `${VAR:-default}` and `${VAR:?error}` from the shell (or .env). */
function interpolate(value: string | number, shell: Record<string, string>): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name, kind, rest) => {
    const set = shell[name];
    if (set) return set;
    if (kind === '?') throw new Error(`${name}: ${rest}`);
    return kind === '-' ? rest : '';
  });
}

/** The container's environment: the optional .env file's values, then `environment` over them. */
function containerEnv(shell: Record<string, string>, envFile: Record<string, string> = {}) {
  const environment = Object.fromEntries(
    Object.entries(api.environment).map(([key, value]) => [key, interpolate(value, shell)]),
  );
  return { ...envFile, ...environment };
}

const shell = { JWT_SECRET: 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG1aE3iU8oQ0zP', MODELS: 'demo' };

describe('compose.yaml, as the README starts it', () => {
  it('when started with a secret and MODELS=demo only, then the API runs in production on the mongo service with the settings’ defaults', () => {
    const c = loadConfig(containerEnv(shell));
    expect(c.isProduction).toBe(true);
    expect(c.MONGODB_URI).toBe('mongodb://mongo:27017/sigmagpt');
    expect(c.PORT).toBe(3000);
    expect(c.models).toEqual(['demo']);
    // Unset in the shell: the server's own defaults, not values of the compose file's.
    const defaults = loadConfig({ NODE_ENV: 'production', ...shell, MONGODB_URI: 'mongodb://x/y' });
    for (const key of ['CORS_ORIGINS', 'TRUST_PROXY', 'TOKEN_BUDGET_PER_DAY', 'LOG_LEVEL'] as const)
      expect(c[key]).toEqual(defaults[key]);
    expect(() => containerEnv({ MODELS: 'demo' })).toThrow(/JWT_SECRET: set JWT_SECRET/);
  });

  it('when an operator sets administrators, a budget, a token cap, the log level and a metrics token in the shell, then each reaches the API', () => {
    const c = loadConfig(
      containerEnv({
        ...shell,
        ADMIN_EMAILS: 'ops@example.com',
        TOKEN_BUDGET_PER_DAY: '5000',
        SERVICE_TOKEN_BUDGET_PER_DAY: '900000',
        MAX_TOKENS: '512',
        LOG_LEVEL: 'warn',
        METRICS_TOKEN: 'm'.repeat(24),
      }),
    );
    expect(c.adminEmails).toEqual(['ops@example.com']);
    expect(c.TOKEN_BUDGET_PER_DAY).toBe(5000);
    expect(c.SERVICE_TOKEN_BUDGET_PER_DAY).toBe(900000);
    expect(c.MAX_TOKENS).toBe(512);
    expect(c.LOG_LEVEL).toBe('warn');
    expect(c.METRICS_TOKEN).toBe('m'.repeat(24));
  });

  it('when an .env made from .env.example sits beside it, then its other settings reach the API but it stays production on the mongo service', () => {
    expect(api.env_file).toEqual([{ path: '.env', required: false }]);
    const example = parseEnv(readFileSync(path.join(root, '.env.example'), 'utf8')) as Record<
      string,
      string
    >;
    const c = loadConfig(containerEnv(shell, { ...example, MESSAGES_PER_MINUTE: '7' }));
    expect(example.NODE_ENV).toBe('development');
    expect(c.isProduction).toBe(true);
    expect(c.MONGODB_URI).toBe('mongodb://mongo:27017/sigmagpt');
    expect(c.MESSAGES_PER_MINUTE).toBe(7);
  });
});

describe('the Docker image', () => {
  it('when the image is built, then its compiled output holds the admin command beside the server, and the runtime stage copies that output', () => {
    // What the build stage's `npm run build` compiles (tsconfig.build.json), as tsc lists it.
    const compiled = execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        path.join(root, 'tsconfig.build.json'),
        '--listFilesOnly',
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .map((file) => path.relative(root, file.trim()));
    expect(compiled).toContain('src/server.ts');
    expect(compiled).toContain('src/admin-cli.ts');
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
  });
});
