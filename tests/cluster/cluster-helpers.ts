import { readFileSync } from 'node:fs';
import mongoose from '../../src/lib/db/mongoose.js';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';
import { createUser, type TestUser } from '../helpers/users.js';

/** Plain fetch helpers against real server processes. */
export const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

/** A user and a session inserted into the instance's database (see createUser): signing up is not what these tests are about. */
export async function userOn(instance: Instance, label = 'cluster'): Promise<TestUser> {
  if (!instance.mongoUri) throw new Error('the instance was started without MONGODB_URI');
  return withDatabase(instance.mongoUri, (db) => createUser({ db, label }));
}

export async function newChat(instance: Instance, token: string): Promise<string> {
  const res = await post(`${instance.url}/api/chats`, {}, token);
  if (res.status !== 201) throw new Error(`create chat failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export const portOf = (instance: Instance) => Number(new URL(instance.url).port);

/** A direct connection to the database the instances share, for checking what they stored. */
export async function withDatabase<T>(
  uri: string,
  work: (db: mongoose.Connection) => Promise<T>,
): Promise<T> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

export { eventually } from '../helpers/eventually.js';

/** The server's pid (startInstance runs the server itself, not a wrapper). */
export const serverPid = (instance: Instance): number => instance.child.pid!;

/** Resident memory of a process now (VmRSS) and at its peak (VmHWM), in MiB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Two server processes of one file on one database, with the scripted model they share (when asked). */
export interface TwoInstances {
  a: Instance;
  b: Instance;
  /** The database both use (this file's own). */
  uri: string;
  /** Their environment, for starting another instance like them. */
  env: Record<string, string>;
  /** The scripted model (only with `{ upstream: true }`), reset before each test. */
  upstream: Upstream;
}

/**
 * Starts two real server processes for the file, on its own database and with `env`, and stops
 * them after it. With `upstream`, both talk to one scripted OpenAI-compatible model.
 */
export function useTwoInstances(
  env: Record<string, string>,
  options: { upstream?: boolean } = {},
): TwoInstances {
  const cluster = {} as TwoInstances;
  beforeAll(async () => {
    cluster.uri = databaseUri(inject('mongoUri'));
    const model: Record<string, string> = {};
    if (options.upstream) {
      cluster.upstream = await startUpstream();
      Object.assign(model, {
        OPENAI_BASE_URL: cluster.upstream.url,
        OPENAI_API_KEY: 'test-key',
        MODELS: 'scripted-model',
        UPSTREAM_MAX_RETRIES: '0',
      });
    }
    cluster.env = { MONGODB_URI: cluster.uri, ...model, ...env };
    [cluster.a, cluster.b] = await Promise.all([
      startInstance(cluster.env),
      startInstance(cluster.env),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([cluster.a?.stop(), cluster.b?.stop()]);
    await cluster.upstream?.close();
  });
  if (options.upstream) beforeEach(() => cluster.upstream.reset());
  return cluster;
}
