import { afterAll, describe, expect, it } from 'vitest';
import { IdempotencyKey } from '../../src/modules/chats/idempotency.model.js';
import {
  startInterruptedSweep,
  stopInterruptedSweep,
} from '../../src/modules/chats/interrupted-replies.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';

// The sweep runs every half lease: every second here.
const ctx = useChatApp({ GENERATION_LEASE_SECONDS: '2' });

afterAll(() => stopInterruptedSweep());

describe('expired idempotency keys', () => {
  it('when a key has expired, then the periodic sweep removes its record (FerretDB has no TTL index) and keeps the others', async () => {
    const chatId = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const keys = Array.from({ length: 3 }, (_, i) => `expiring-${Date.now()}-${i}`);
    const kept = `kept-${Date.now()}`;
    for (const key of [...keys, kept]) {
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .set('Idempotency-Key', key)
        .send({ content: key });
      expect(res.status).toBe(201);
    }
    // Each record's answer is written just after the response (a later write would undo the expiry).
    await eventually(
      () => IdempotencyKey.countDocuments({ key: { $in: keys }, response: { $ne: null } }),
      (n) => n === keys.length,
    );
    await eventually(
      () => IdempotencyKey.countDocuments({ key: kept, response: { $ne: null } }),
      (n) => n === 1,
    );
    // A day later: all three are past their 24 h.
    await IdempotencyKey.updateMany(
      { key: { $in: keys } },
      { $set: { expiresAt: new Date(Date.now() - 1) } },
    );
    startInterruptedSweep();
    const left = await eventually(
      () => IdempotencyKey.countDocuments({ key: { $in: keys } }),
      (n) => n === 0,
      5000,
    );
    expect(left).toBe(0);
    // A key within its 24 h stays: a retry of it still lands on its exchange.
    expect(await IdempotencyKey.countDocuments({ key: kept })).toBe(1);
  }, 20_000);
});
