import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { reloadConfig } from '../../src/lib/config.js';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/connection.js';
import { startFerretdb, type EmbeddedDatabase } from '../../src/lib/db/embedded.js';
import { uniqueEmail } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS, PASSWORD } from '../helpers/auth.js';

// A FerretDB of this file's own, with its data on disk so it survives a restart on the same port.
const log = { info: () => undefined, warn: () => undefined };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-db-down-'));
let database: EmbeddedDatabase;
let port: number;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  database = await startFerretdb({ dataDir, log });
  port = Number(new URL(database.uri).port);
  reloadConfig({ ...process.env, ...NO_TIGHT_LIMITS });
  await connectDatabase(database.uri, 'db_down_test');
  app = createApp();
});

afterAll(async () => {
  await disconnectDatabase();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = Date.now();
  const result = await work();
  return [result, Date.now() - start];
}

/** GET /api/auth/me until it answers 200 (the driver reconnects by itself), for up to 15 s. */
async function meOnceServedAgain(auth: Record<string, string>) {
  const deadline = Date.now() + 15_000;
  let again = await supertest(app).get('/api/auth/me').set(auth);
  while (again.status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    again = await supertest(app).get('/api/auth/me').set(auth);
  }
  return again;
}

// Failing fast means waiting at most one server-selection timeout (DB_SERVER_SELECTION_TIMEOUT_MS,
// 1.5 s), not mongoose's 10 s command buffering or the driver's 30 s default. The bound sits between
// them: the 1.5 s plus room for scheduling delays on a loaded machine (a run beside a CPU hog took
// 2.1 s), still far below the 10 s a wait on the database would take.
const FAIL_FAST_MS = 5000;

describe('when the database goes away and comes back', () => {
  it('then auth requests fail fast with 503 JSON, readiness fails, liveness holds, and service resumes by itself', async () => {
    const email = uniqueEmail('down');
    const signup = await supertest(app)
      .post('/api/auth/signup')
      .send({ email, password: PASSWORD, name: 'Down' });
    expect(signup.status).toBe(201);
    const auth = { Authorization: `Bearer ${signup.body.accessToken}` };

    await database.stop();

    const [me, meMs] = await timed(() => supertest(app).get('/api/auth/me').set(auth));
    expectError(me, 503, 'SERVICE_UNAVAILABLE');
    expect(meMs).toBeLessThan(FAIL_FAST_MS);
    const [login, loginMs] = await timed(() =>
      supertest(app).post('/api/auth/login').send({ email, password: PASSWORD }),
    );
    expectError(login, 503, 'SERVICE_UNAVAILABLE');
    expect(loginMs).toBeLessThan(FAIL_FAST_MS);
    expect(login.text).not.toMatch(/Mongo|ECONNREFUSED|127\.0\.0\.1|ferret/i);
    const [signupDown, signupMs] = await timed(() =>
      supertest(app).post('/api/auth/signup').send({ email: uniqueEmail(), password: PASSWORD }),
    );
    expectError(signupDown, 503, 'SERVICE_UNAVAILABLE');
    expect(signupMs).toBeLessThan(FAIL_FAST_MS);

    const [ready, readyMs] = await timed(() => supertest(app).get('/readyz'));
    expect(ready.status).toBe(503);
    expect(readyMs).toBeLessThan(FAIL_FAST_MS);
    expect((await supertest(app).get('/healthz')).status).toBe(200);

    database = await startFerretdb({ dataDir, log, port });

    // The driver notices within its heartbeat; nobody reconnects by hand.
    const again = await meOnceServedAgain(auth);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(signup.body.user); // the data survived the restart
    // Readiness answers from a ping at most a second old (READY_CACHE_MS) that gives up after
    // 1.5 s: just after the restart it may still say 503 (an answer cached from the outage, or a
    // first ping slower than its timeout on a loaded machine). It must turn 200 by itself.
    const readyBy = Date.now() + 5_000;
    let readyAgain = await supertest(app).get('/readyz');
    while (readyAgain.status !== 200 && Date.now() < readyBy) {
      await new Promise((r) => setTimeout(r, 100));
      readyAgain = await supertest(app).get('/readyz');
    }
    expect(readyAgain.status).toBe(200);
    expect(
      (await supertest(app).post('/api/auth/login').send({ email, password: PASSWORD })).status,
    ).toBe(200);
  }, 60_000);

  it('when the database freezes (connections open, nothing answered), then requests sent after two missed heartbeats get 503 at once, not after the 10 s connect timeout, and service resumes when it thaws', async () => {
    const signup = await supertest(app)
      .post('/api/auth/signup')
      .send({ email: uniqueEmail('frozen'), password: PASSWORD });
    expect(signup.status).toBe(201);
    const auth = { Authorization: `Bearer ${signup.body.accessToken}` };
    const pid = database.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      // The driver fails a heartbeat only after its connect timeout (10 s), but Mongoose calls the
      // connection disconnected once no heartbeat has succeeded for two intervals (2 s): requests
      // sent from then on are refused at once (isDatabaseConnected).
      await new Promise((r) => setTimeout(r, 2500));
      const [me, meMs] = await timed(() => supertest(app).get('/api/auth/me').set(auth));
      expectError(me, 503, 'SERVICE_UNAVAILABLE');
      expect(meMs).toBeLessThan(1000);
      const [ready, readyMs] = await timed(() => supertest(app).get('/readyz'));
      expect(ready.status).toBe(503);
      expect(readyMs).toBeLessThan(FAIL_FAST_MS);
      expect((await supertest(app).get('/healthz')).status).toBe(200);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const again = await meOnceServedAgain(auth);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(signup.body.user);
  }, 60_000);
});
