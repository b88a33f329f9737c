import { Types } from 'mongoose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { newChat, userOn, withDatabase } from '../cluster/cluster-helpers.js';
import { eventually } from '../helpers/eventually.js';
import { databaseUri, startInstance, type Instance } from '../helpers/instances.js';

/**
 * During SHUTDOWN_DRAIN_DELAY_MS an instance serves every request as before, readiness failed: its
 * background sweeps go on as long as it serves, and stop only when serving stops.
 */
const instances: Instance[] = [];
afterAll(async () => {
  for (const instance of instances) await instance.stop('SIGKILL');
});

describe('the periodic sweeps of an instance that received SIGTERM', () => {
  it('when a reply another instance left streaming is found during the drain delay, then this instance’s sweep still finishes it as interrupted before the process exits', async () => {
    const DELAY_MS = 6000;
    const instance = await startInstance({
      MONGODB_URI: databaseUri(inject('mongoUri')),
      // The interrupted-reply sweep runs every half lease: every second.
      GENERATION_LEASE_SECONDS: '2',
      SHUTDOWN_DRAIN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_GRACE_MS: '3000',
    });
    instances.push(instance);
    const user = await userOn(instance, 'drain-sweep');
    const chatId = await newChat(instance, user.accessToken);
    const exit = instance.stop('SIGTERM');
    const ready = await eventually(
      () => fetch(`${instance.url}/readyz`).then((r) => r.status),
      (status) => status !== 200,
    );
    expect(ready).toBe(503);
    // A reply whose instance died (no lease held), found while this one still serves.
    const replyId = new Types.ObjectId();
    const now = new Date();
    await withDatabase(instance.mongoUri!, (db) =>
      db.collection('messages').insertOne({
        _id: replyId,
        chatId: new Types.ObjectId(chatId),
        userId: new Types.ObjectId(user.id),
        parentId: null,
        role: 'assistant',
        content: 'cut short',
        bytes: 9,
        status: 'streaming',
        model: 'demo',
        createdAt: now,
      }),
    );
    const statusOf = () =>
      withDatabase(instance.mongoUri!, async (db) => {
        const reply = await db.collection('messages').findOne({ _id: replyId });
        return reply?.status as string | undefined;
      });
    // Within the delay, by a sweep every second: the instance still serves meanwhile.
    const status = await eventually(statusOf, (s) => s !== 'streaming', DELAY_MS - 2000);
    expect(status, instance.output()).toBe('incomplete');
    expect(await exit).toBe(0);
  }, 60_000);
});
