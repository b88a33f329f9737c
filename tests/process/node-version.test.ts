import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_NODE_VERSION, unsupportedNode } from '../../src/lib/node-version.js';

const projectRoot = path.resolve(import.meta.dirname, '../..');

/** Starts a script as `node` of version `version` would (process.versions.node says so). */
function runAs(version: string, script: string, args: string[]) {
  const pretend = `Object.defineProperty(process,"versions",{value:{...process.versions,node:${JSON.stringify(version)}}})`;
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', `data:text/javascript,${pretend}`, script, ...args],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        PORT: '0',
        DATA_DIR: path.join(os.tmpdir(), `sigmagpt-node-version-${process.pid}`),
        MONGOMS_MAX_RETRIES: '1',
      },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
}

describe('the Node.js version', () => {
  it('when package.json names the oldest Node, then the start checks that same version', () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION.replace(/\.0$/, '')}`);
  });

  it('when a version is older than the oldest supported, then it is refused naming itself', () => {
    for (const old of ['18.20.4', '20.11.1', '20.18.3', '19.9.0']) {
      expect(unsupportedNode(old)).toContain(`this is Node.js ${old}`);
    }
    for (const ok of ['20.19.0', '20.20.2', '22.12.0', '24.21.0', '26.0.0']) {
      expect(unsupportedNode(ok)).toBeNull();
    }
  });

  it.each([
    ['the server', 'src/server.ts', []],
    ['the admin script', 'src/admin-cli.ts', ['promote', 'ada@example.com']],
  ])(
    'when %s starts on an older Node, then it exits 1 at once naming the version, with no stack trace',
    (_label, script, args) => {
      const result = runAs('20.11.1', script, args);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(unsupportedNode('20.11.1'));
      expect(result.stdout).toBe('');
    },
  );
});
