import { describe, expect, it } from 'vitest';
import mongoose, { Types } from '../../src/lib/db/mongoose.js';
import { quotaRefusals } from '../../src/lib/metrics.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { forgetKnownAccounts } from '../../src/modules/chats/known-accounts.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { expectError } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';
import { eventually } from '../helpers/eventually.js';
import { createUser, type TestUser } from '../helpers/users.js';

/*
 * A send's storage check counts what it would store on this instance as it passes (chats.quota.ts
 * ensureRoom), so sends checked meanwhile count it. A send refused after that check, or checked
 * twice, must count it once and give it back when it stores nothing: otherwise a user at the cap
 * is refused room they have, until the next count (STORAGE_RECOUNT_SECONDS, a minute).
 */
const ctx = useChatApp({
  MAX_MESSAGES_PER_USER: '4',
  MAX_CONCURRENT_STREAMS: '1',
  MESSAGES_PER_MINUTE: '100',
});

const send = (who: TestUser, chatId: string, content: string) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(who.auth)
    .send({ content, stream: false });
const emptyChat = async (who: TestUser) =>
  (await ctx.request().post('/api/chats').set(who.auth).send({})).body.id as string;
/** Gives the account a daily budget of its own, behind the instance's back (as another would). */
const setBudget = (who: TestUser, tokenBudgetPerDay: number) =>
  mongoose.connection
    .collection('users')
    .updateOne({ _id: new Types.ObjectId(who.id) }, { $set: { tokenBudgetPerDay } });
const storedMessages = (who: TestUser) => Message.countDocuments({ userId: who.id });
const refusals = async () => (await quotaRefusals.get()).values[0]?.value ?? 0;

describe('room a refused send had passed', () => {
  it('when a send is refused for its daily budget, then the room its storage check passed is given back: once the budget is raised, a send that fills the cap exactly is stored', async () => {
    const user = await createUser({ label: 'room-budget' });
    const chatId = await emptyChat(user);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    // Today's reply charged more than one token; the account is read beside the limits.
    await setBudget(user, 1);
    forgetKnownAccounts();
    const asked = ctx.upstream.requests.length;
    expectError(await send(user, chatId, 'refused'), 429, 'QUOTA_EXCEEDED');
    expect(ctx.upstream.requests.length).toBe(asked);
    await setBudget(user, 1_000_000);
    forgetKnownAccounts();
    expect((await send(user, chatId, 'fills the cap')).status).toBe(201);
    expect(await storedMessages(user)).toBe(4);
  });

  it('when an account known from its last send is refused under the slot and then given more budget, then its next send is checked twice but counted once: a send that fills the cap exactly is stored, and one more is refused 409', async () => {
    const user = await createUser({ label: 'room-known' });
    const chatId = await emptyChat(user);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    await setBudget(user, 1);
    // Checked with the account its last send noted (no budget), refused under the slot: its
    // messages went again, and so does the room they took.
    expectError(await send(user, chatId, 'refused late'), 429, 'QUOTA_EXCEEDED');
    expect(await storedMessages(user)).toBe(2);
    await setBudget(user, 1_000_000);
    // Refused with the used-up budget noted, read afresh, checked again: counted once.
    expect((await send(user, chatId, 'fills the cap')).status).toBe(201);
    expect(await storedMessages(user)).toBe(4);
    const asked = ctx.upstream.requests.length;
    expectError(await send(user, chatId, 'past the cap'), 409, 'MESSAGE_LIMIT_REACHED');
    expect(ctx.upstream.requests.length).toBe(asked);
  });

  it('when an account known from its last send has used up its budget, then each refused send counts one refusal, though it is checked twice', async () => {
    const user = await createUser({ label: 'one-refusal' });
    const chatId = await emptyChat(user);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    expect((await send(user, chatId, 'one')).status).toBe(201);
    await setBudget(user, 1);
    const first = await refusals();
    // Refused under the slot: its read notes the used-up budget.
    expectError(await send(user, chatId, 'refused late'), 429, 'QUOTA_EXCEEDED');
    expect((await refusals()) - first).toBe(1);
    const second = await refusals();
    const asked = ctx.upstream.requests.length;
    // Refused with the noted account, read afresh, refused again: one refusal.
    expectError(await send(user, chatId, 'refused early'), 429, 'QUOTA_EXCEEDED');
    expect(ctx.upstream.requests.length).toBe(asked);
    expect((await refusals()) - second).toBe(1);
  });

  it('when a send finds every generation slot busy and is refused 429, then the room its check passed is given back: once the slot is free, a send that fills the cap exactly is stored', async () => {
    const user = await createUser({ label: 'room-slots' });
    const [held, other] = [await emptyChat(user), await emptyChat(user)];
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['held'],
      holdUntil: new Promise<void>((resolve) => (release = resolve)),
    });
    // Sent now (a supertest request goes out once it is awaited or `then` is called).
    const holding = send(user, held, 'holds the slot').then((res) => res);
    // Its messages stored: its model call is out, its slot held until its reply ends.
    expect(
      await eventually(
        () => storedMessages(user),
        (n) => n === 2,
      ),
    ).toBe(2);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    expectError(await send(user, other, 'no slot'), 429, 'TOO_MANY_STREAMS');
    release();
    expect((await holding).status).toBe(201);
    expect((await send(user, other, 'fills the cap')).status).toBe(201);
    expect(await storedMessages(user)).toBe(4);
    expect(await Chat.countDocuments({ userId: user.id })).toBe(2);
  });

  it('when a send cuts a reply waiting for its client to take its slot, then it checks its limits before the cut and again under the slot but counts its room once: a send that fills the cap exactly is stored', async () => {
    const user = ctx.user;
    const [left, other] = [await emptyChat(user), await emptyChat(user)];
    ctx.upstream.setDefault({ chunks: ['w '], endless: true, delayMs: 10 });
    const dropped = ctx.stream(`/api/chats/${left}/messages`, { content: 'left', stream: true });
    await dropped.waitForEvent('delta');
    dropped.close();
    const waiting = () =>
      Generation.countDocuments({ userId: user.id, waitingSince: { $ne: null } });
    expect(await eventually(waiting, (n) => n === 1)).toBe(1);
    ctx.upstream.setDefault({ chunks: ['ok'] });
    const res = await send(user, other, 'fills the cap');
    expect(res.status).toBe(201);
    expect(await storedMessages(user)).toBe(4);
    // The reply it cut stays, as far as it got.
    expect((await Message.findById(res.body.messages[1].id).lean())?.status).toBe('complete');
    expect(await Message.countDocuments({ chatId: left, status: 'incomplete' })).toBe(1);
  });
});
