import { afterAll, describe, expect, inject, it } from 'vitest';
import { userOn } from '../cluster/cluster-helpers.js';
import { startDbProxy, type DbProxy } from '../helpers/db-proxy.js';
import { eventually } from '../helpers/eventually.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';

/**
 * README: "5xx at `error` (but the 503s of a shutdown's drain, readiness probes included, at
 * `info`)". During SHUTDOWN_DRAIN_DELAY_MS every request is served as before: a 503 then is no
 * planned refusal but a real failure (here the database gone), and must stay at `error` so that
 * an alert fires on it.
 */
let proxy: DbProxy | undefined;
let instance: Instance | undefined;
afterAll(async () => {
  await instance?.stop('SIGKILL');
  await proxy?.close();
});

const linesOf = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(
      (line) =>
        JSON.parse(line) as {
          level: number;
          req?: { url?: string };
          res?: { statusCode?: number };
        },
    );

describe('a real 503 during the drain delay', () => {
  it('when the database goes away during the drain delay and a request gets 503, then that 503 is logged at error, not at info', async () => {
    proxy = await startDbProxy(inject('mongoUri'));
    const direct = databaseUri(inject('mongoUri'));
    const name = new URL(direct).pathname.slice(1);
    instance = await startInstance({
      MONGODB_URI: databaseUri(proxy.uri, name),
      MODELS: 'demo',
      SHUTDOWN_DRAIN_DELAY_MS: '30000',
      LOG_LEVEL: 'info',
    });
    const user = await userOn({ ...instance, mongoUri: direct }, 'drain-503');
    instance.child.kill('SIGTERM');
    await eventually(
      () => fetch(`${instance!.url}/readyz`).then((r) => r.status),
      (status) => status === 503,
    );
    await proxy.down();
    const res = await eventually(
      () =>
        fetch(`${instance!.url}/api/auth/me`, {
          headers: { Authorization: `Bearer ${user.accessToken}` },
        }).then(async (r) => ({ status: r.status, body: await r.json() })),
      (r) => r.status === 503,
      20_000,
    );
    expect(res.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    await eventually(
      () => Promise.resolve(linesOf(instance!.output())),
      (lines) => lines.some((l) => l.req?.url === '/api/auth/me' && l.res?.statusCode === 503),
    );
    const logged = linesOf(instance.output()).filter(
      (l) => l.req?.url === '/api/auth/me' && l.res?.statusCode === 503,
    );
    expect(logged.map((l) => l.level)).toEqual(logged.map(() => 50));
  }, 90_000);
});
