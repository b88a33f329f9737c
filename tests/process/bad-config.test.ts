import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '../..');

/** Starts a script of the project with `env` added, as an operator would, and waits for it to end. */
function run(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: path.join(os.tmpdir(), 'sigmagpt-bad-config'),
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('a start with a bad configuration value', () => {
  it.each([
    ['the server', 'src/server.ts', []],
    ['the admin script', 'src/admin-cli.ts', ['promote', 'ada@example.com']],
  ])(
    'when %s is started with bad values, then it exits 1 naming every bad key, with no stack trace',
    (_label, script, args) => {
      const result = run(script, args, {
        MAX_TOKENS: '-1',
        BODY_LIMIT: '100kilobytes',
        METRICS_TOKEN: 'short',
      });
      expect(result.status).toBe(1);
      // A bad value and a check across values (made with the bad ones at their defaults) at once.
      expect(result.stderr.trim().split('\n')).toEqual([
        'Invalid configuration:',
        '  BODY_LIMIT: a size such as 100kb, 1mb or 5000 (bytes)',
        '  MAX_TOKENS: a whole number of at least 0',
        '  METRICS_TOKEN: must be at least 16 characters',
      ]);
      expect(result.stdout).toBe('');
    },
  );
});

describe('a misspelt setting when the start fails', () => {
  it('when production is started with MONGO_URI instead of MONGODB_URI, then the refusal names the misspelling', () => {
    const result = run('src/server.ts', [], {
      NODE_ENV: 'production',
      JWT_SECRET: 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG1aE3iU8oQ0zP',
      MODELS: 'demo',
      MONGODB_URI: '',
      MONGO_URI: 'mongodb://db.internal:27017/sigmagpt',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MONGODB_URI: required in production');
    // The start that fails for that very setting is where the operator needs the hint most.
    expect(result.stderr).toContain('(MONGO_URI is not a setting; did you mean MONGODB_URI?)');
  });
});

describe('a DATA_DIR that cannot be used', () => {
  it('when DATA_DIR is under a regular file in development, then the start names DATA_DIR in one line, without a stack trace', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-')), 'a-file');
    writeFileSync(file, 'x');
    const result = run('src/server.ts', [], { DATA_DIR: path.join(file, 'data'), JWT_SECRET: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`DATA_DIR: cannot keep the development JWT secret in ${file}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a production start with the rate limits off', () => {
  it('when production starts with RATE_LIMITS_ENABLED=false, then it warns that there is no rate limit and no password gate', () => {
    // An unreachable database ends the start once the settings have been read and warned about.
    const result = run('src/server.ts', [], {
      NODE_ENV: 'production',
      JWT_SECRET: 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG1aE3iU8oQ0zP',
      MODELS: 'demo',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unreachable',
      DB_SERVER_SELECTION_TIMEOUT_MS: '500',
      RATE_LIMITS_ENABLED: 'false',
      LOG_LEVEL: 'info',
    });
    const warnings = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.level === 40);
    expect(warnings.map((w) => w.msg)).toContain(
      'RATE_LIMITS_ENABLED=false in production: no rate limit and no per-account password gate',
    );
  });
});
