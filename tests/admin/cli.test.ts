import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import mongoose, { Types } from '../../src/lib/db/mongoose.js';
import { processClaim } from '../../src/lib/db/data-dir-lock.js';
import { AuditEntry } from '../../src/modules/admin/audit.model.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { NO_TIGHT_LIMITS, signUp } from '../helpers/auth.js';
import { databaseUri, startInstance } from '../helpers/instances.js';

const ctx = useTestApp(NO_TIGHT_LIMITS);
const projectRoot = path.resolve(import.meta.dirname, '../..');

/** `npm run admin -- …` as the operator runs it (tsx loading the script), against this file's database. */
async function admin(...args: string[]): Promise<{ code: number; out: string }> {
  return adminWith({}, ...args);
}

async function adminWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/admin-cli.ts', ...args],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DATA_DIR: path.join(os.tmpdir(), 'sigmagpt-test-data'),
          MONGODB_URI: databaseUri(inject('mongoUri'), mongoose.connection.name),
          ...env,
        },
      },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('npm run admin -- promote <email>', () => {
  it('when run with the email of a user, then the account becomes an administrator, recorded in the audit as cli; a second run changes nothing', async () => {
    const user = await signUp(ctx);
    const first = await admin('promote', user.email.toUpperCase());
    expect(first).toEqual({ code: 0, out: `${user.email} is now an administrator\n` });
    expect((await User.findById(user.user.id).lean())?.role).toBe('admin');
    const entries = await AuditEntry.find({ targetId: new Types.ObjectId(user.user.id) }).lean();
    expect(entries).toEqual([
      expect.objectContaining({
        actorKind: 'cli',
        actorId: null,
        action: 'user.promote',
        before: { role: 'user' },
        after: { role: 'admin' },
      }),
    ]);
    // The new role applies to the running server at once.
    const users = await ctx
      .request()
      .get('/api/admin/users')
      .set('Authorization', `Bearer ${user.accessToken}`);
    expect(users.status).toBe(200);

    expect(await admin('promote', user.email)).toEqual({
      code: 0,
      out: `${user.email} was already an administrator\n`,
    });
    expect(await AuditEntry.countDocuments({ targetId: new Types.ObjectId(user.user.id) })).toBe(1);
  });

  it('when the email names nobody, or the command is wrong, then it exits 1 and says why', async () => {
    const nobody = await admin('promote', 'nobody@example.test');
    expect(nobody.code).toBe(1);
    // It says where it looked: an embedded database in another DATA_DIR is another database.
    expect(nobody.out).toContain(
      'No account with the email nobody@example.test (looked in MONGODB_URI)',
    );
    const wrong = await admin('delete', 'x@example.test');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('usage: npm run admin -- promote <email>');
    // The image runs the compiled script, where there is no npm run admin.
    expect(wrong.out).toContain('(compiled: node dist/admin-cli.js promote <email>)');
  });

  it('when the database cannot be reached, then it exits 1 naming the setting it used, without a stack trace', async () => {
    const unreachable = await adminWith(
      { MONGODB_URI: 'mongodb://127.0.0.1:1/sigmagpt', DB_SERVER_SELECTION_TIMEOUT_MS: '500' },
      'promote',
      'x@example.test',
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.out).toMatch(/^could not connect to the database \(MONGODB_URI\): /);
    expect(unreachable.out).not.toMatch(/\n\s+at /);
  });

  it('when a running server holds the embedded database of DATA_DIR, then it exits 1 naming its pid and the way in through MONGODB_URI, not another DATA_DIR', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-cli-held-'));
    writeFileSync(path.join(dataDir, 'server.pid'), processClaim(process.pid));
    const held = await adminWith(
      { MONGODB_URI: '', DATA_DIR: dataDir },
      'promote',
      'x@example.test',
    );
    expect(held.code).toBe(1);
    expect(held.out).toBe(
      `a server (pid ${process.pid}) is using the embedded database in ${dataDir}: stop it, or run this with MONGODB_URI set to the address its "database connected" log line names (uri)\n`,
    );
  });
});

describe('ADMIN_EMAILS at startup', () => {
  it('when an address in ADMIN_EMAILS is malformed, then the server refuses to start and names the key and the address', async () => {
    const start = startInstance({
      ADMIN_EMAILS: 'ops@example.test, not-an-address',
      MONGODB_URI: databaseUri(inject('mongoUri')),
    });
    await expect(start).rejects.toThrow(
      /ADMIN_EMAILS: "not-an-address" is not a valid email address/,
    );
  }, 30_000);
});
