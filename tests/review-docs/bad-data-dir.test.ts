import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '../..');

describe('README: "a bad value stops the start with every problem named ... (and nothing else: exit code 1)"', () => {
  it('when DATA_DIR is under a regular file (unusable), then the start names DATA_DIR in one line, without a stack trace', () => {
    const file = path.join(os.tmpdir(), `docs-review-not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATA_DIR: path.join(file, 'data'),
        JWT_SECRET: '',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/DATA_DIR/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack frames
  });
});
