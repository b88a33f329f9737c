import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/config.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-dev-secret-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the development JWT secret kept in DATA_DIR', () => {
  it.each([
    ['empty', ''],
    ['blank', ' \n'],
  ])(
    'when DATA_DIR/jwt-secret is %s (a start that died while writing it, a touch), then a new secret is made, never an empty key anyone can sign tokens with',
    (_label, content) => {
      const file = path.join(dataDir, 'jwt-secret');
      writeFileSync(file, content);
      const c = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
      expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(readFileSync(file, 'utf8').trim()).toBe(c.jwtSecret);
    },
  );
});
