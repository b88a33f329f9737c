import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The Node options production runs with are written twice: in `npm start` and in the Dockerfile's
 * CMD (exec form, so SIGTERM reaches node). The bench reads them from `npm start`
 * (bench/lib/servers.ts startScriptFlags), so the two must not drift apart.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

function startScriptFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

function dockerCmd(): string[] {
  const line = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('CMD '))
    .at(-1)!;
  return JSON.parse(line.slice('CMD '.length)) as string[];
}

describe('the Node options production runs with', () => {
  it('when the server is started by npm start or by the image, then both give node the same options, before the same script', () => {
    const flags = startScriptFlags();
    expect(flags).toContain('--max-semi-space-size=2');
    expect(dockerCmd()).toEqual(['node', ...flags, 'dist/server.js']);
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start).toBe(
      ['node', ...flags, 'dist/server.js'].join(' '),
    );
  });

  it('when node starts with them, then it accepts them and the young generation stays within the cap they set', async () => {
    // Many young objects that survive a while (a ring of 200,000): V8 grows the new space as far
    // as it may. The largest size seen is printed.
    const probe = [
      "const v8 = require('node:v8');",
      'let max = 0; const ring = new Array(200000);',
      'for (let i = 0; i < 2e6; i++) {',
      '  ring[i % ring.length] = { i };',
      "  if (i % 20000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);",
      '}',
      'process.stdout.write(String(max));',
    ].join('\n');
    const newSpace = async (flags: string[]) =>
      Number((await run(process.execPath, [...flags, '-e', probe])).stdout);
    const MiB = 1024 * 1024;
    // Two semi-spaces of 2 MiB: 4 MiB at most (V8 reports both); Node's default grows to 32 MiB
    // (Node 20) or 64 MiB (Node 24) here.
    expect(await newSpace(startScriptFlags())).toBeLessThanOrEqual(4 * MiB);
    expect(await newSpace([])).toBeGreaterThan(4 * MiB);
  });
});
