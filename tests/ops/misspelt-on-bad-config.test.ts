import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '../..');

describe('a misspelt setting when the start fails', () => {
  it('when production is started with MONGO_URI instead of MONGODB_URI, then the refusal names the misspelling', () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      DATA_DIR: path.join(os.tmpdir(), 'sigmagpt-ops-misspelt'),
      JWT_SECRET: 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG1aE3iU8oQ0zP',
      MODELS: 'demo',
      MONGO_URI: 'mongodb://db.internal:27017/sigmagpt',
    };
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MONGODB_URI: required in production');
    // README: "A variable within two letters of a setting's name … is logged at the start as a
    // warning naming the setting it misses": the start that fails for that very setting is where
    // the operator needs it.
    expect(result.stderr + result.stdout).toMatch(/MONGO_URI.*MONGODB_URI/);
  });
});
