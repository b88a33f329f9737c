import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The architecture rules of .dependency-cruiser.cjs, run the way `npm run lint` runs them, on the
 * real src and on a small tree that breaks each rule once.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const run = promisify(execFile);

/** `depcruise src` in `cwd` with the project's rules, as `npm run lint` runs it: its exit code. */
async function lintExitCode(cwd: string): Promise<number> {
  try {
    await run(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG], { cwd });
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

/** The same cruise, with each violation reported (the JSON reporter always exits 0). */
async function violations(cwd: string): Promise<Violation[]> {
  const args = [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'];
  const { stdout } = await run(process.execPath, args, { cwd });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const fixture = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-architecture-'));
afterAll(() => rmSync(fixture, { recursive: true, force: true }));

function write(files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(fixture, name)), { recursive: true });
    writeFileSync(path.join(fixture, name), text);
  }
}

describe('architecture rules', () => {
  it('when the rules run over src, then nothing is violated', async () => {
    expect(await violations(ROOT)).toEqual([]);
    expect(await lintExitCode(ROOT)).toBe(0);
  });

  it("when lib imports a module, a module reaches past another one's index.ts, or files import each other, then each rule fires and the command fails", async () => {
    write({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
        include: ['src'],
      }),
      // Allowed: a module through another's public entry, lib to lib, a module to lib.
      'src/lib/errors.ts': 'export const oops = 1;\n',
      'src/modules/users/index.ts': "export { User } from './user.model.js';\n",
      'src/modules/users/user.model.ts': 'export const User = {};\n',
      'src/modules/chats/chats.service.ts': [
        "import { User } from '../users/index.js';",
        "import { oops } from '../../lib/errors.js';",
        'export const ok = [User, oops];',
        '',
      ].join('\n'),
      // lib-not-to-modules
      'src/lib/shutdown.ts':
        "import { ok } from '../modules/chats/chats.service.js';\nexport const bad = ok;\n",
      // modules-through-public-entry
      'src/modules/chats/cleanup.ts':
        "import { User } from '../users/user.model.js';\nexport const bad = User;\n",
      // root-through-public-entry
      'src/app.ts':
        "import { ok } from './modules/chats/chats.service.js';\nexport const bad = ok;\n",
      // no-circular
      'src/modules/chats/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/modules/chats/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });

    // A cycle is reported once, from whichever of its files the cruise meets first.
    const found = (await violations(fixture)).map((v) =>
      v.rule.name === 'no-circular'
        ? `no-circular: ${[v.from, v.to].sort().join(' ↔ ')}`
        : `${v.rule.name}: ${v.from} → ${v.to}`,
    );
    expect([...new Set(found)].sort()).toEqual([
      'lib-not-to-modules: src/lib/shutdown.ts → src/modules/chats/chats.service.ts',
      'modules-through-public-entry: src/modules/chats/cleanup.ts → src/modules/users/user.model.ts',
      'no-circular: src/modules/chats/a.ts ↔ src/modules/chats/b.ts',
      'root-through-public-entry: src/app.ts → src/modules/chats/chats.service.ts',
    ]);
    expect(await lintExitCode(fixture)).not.toBe(0);
  });
});
