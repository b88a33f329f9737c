import diagnostics_channel from 'node:diagnostics_channel';
import { MongoNetworkError } from 'mongodb';
import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { serverScansFilters } from '../../src/lib/db/connection.js';
import mongoose from '../../src/lib/db/mongoose.js';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { isRenewing } from '../../src/modules/chats/generation/lease-renewal.js';
import { storeUnderActiveAccount } from '../../src/modules/chats/exchange.service.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { forgetKnownRoom } from '../../src/modules/chats/chats.quota.js';
import { forgetKnownAccounts } from '../../src/modules/chats/known-accounts.js';
import { useChatApp } from '../helpers/chat-app.js';
import { monitoredClient, named } from '../helpers/commands.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { insideOneWindow } from '../helpers/rate-windows.js';

const ctx = useChatApp({
  MESSAGES_PER_MINUTE: '4',
  // Both replies end long before a checkpoint is due, however loaded the machine (tests/chats/
  // resume.test.ts shows checkpoints growing with the duration).
  STREAM_CHECKPOINT_MS: '10000',
  DB_COMMAND_METRICS: 'true',
});
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);
const commands: CommandStartedEvent[] = [];
/** The polls' own reads, by their filters: followers elsewhere (`until`), this instance's stop flags. */
const POLL_READS = new Map([
  ['find:reply_readers', 'until'],
  ['find:generation_flags', 'instanceId'],
]);
const isPollRead = (event: CommandStartedEvent) =>
  POLL_READS.get(named(event)) ===
  Object.keys((event.command.filter as object | undefined) ?? {}).join(',');
/** When each command started and when it succeeded, as positions in one sequence of events. */
const startedAt = new Map<number, number>();
const succeededAt = new Map<number, number>();
let events = 0;

beforeAll(() => {
  const client = monitoredClient();
  client.on('commandStarted', (event) => {
    // The polls of a running reply (its followers elsewhere, stop flags) read on their own clock,
    // not for the exchange: a reply held long enough would count them.
    if (isPollRead(event)) return;
    commands.push(event);
    startedAt.set(event.requestId, (events += 1));
  });
  client.on('commandSucceeded', (event) => succeededAt.set(event.requestId, (events += 1)));
});

async function writesDuring(action: () => Promise<void>): Promise<string[]> {
  commands.length = 0;
  await action();
  return commands.filter((c) => WRITES.has(c.commandName)).map(named);
}

describe('database work per exchange', () => {
  it('when the reply has 60 chunks instead of 3 (both shorter than a checkpoint interval), then the exchange issues exactly the same database writes', async () => {
    // Titled: neither send names it after its first message (nameAfterFirstMessage).
    const chatId = (
      await ctx.request().post('/api/chats').set(ctx.user.auth).send({ title: 'Counting' })
    ).body.id as string;
    const exchange = (chunks: number) => async () => {
      ctx.upstream.script({ chunks: Array.from({ length: chunks }, (_, i) => `t${i} `) });
      const res = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(ctx.user.auth)
        .send({ content: 'count', stream: true })
        .buffer(true)
        .parse(textParser);
      expect(parseSse(res.body as string).events.filter((e) => e.event === 'delta')).toHaveLength(
        chunks,
      );
    };
    const short = await writesDuring(exchange(3));
    const long = await writesDuring(exchange(60));
    // The shared rate counter's writes depend on where the minute window stands, not on the reply.
    const own = (writes: string[]) => writes.filter((w) => !w.endsWith(':rate_limits'));
    // Sorted: some of them run side by side (the round-trip test below checks their order).
    const sorted = (writes: string[]) => own(writes).sort();
    expect(sorted(long)).toEqual(sorted(short));
    // Both messages in one insert (the reply `streaming` and empty), its final state in one update.
    // The reply's text goes into the turns the chat keeps for its next send (chat-context.ts), in a
    // write answered with the chat as stored (for `done`), where filtered updates scan a read
    // before it (not a write).
    const settle = serverScansFilters() ? 'update:chats' : 'findAndModify:chats';
    expect(sorted(short)).toEqual(
      [
        'insert:generations',
        'insert:messages',
        // lastMessageAt and the kept turns, answered with the branch deletions begun as found.
        'findAndModify:chats',
        // The reply's final state with its tokens (no ledger entry: budgets sum the replies'
        // charges), before its slot is released (budgets rely on it).
        'update:messages',
        settle,
        'delete:generations',
      ].sort(),
    );
    for (const writes of [short, long])
      expect(writes.length - own(writes).length).toBeLessThanOrEqual(2);
  });
});

/** A user of its own with a chat that has had one exchange. */
async function userWithChat(label: string): Promise<{ user: TestUser; chatId: string }> {
  const user = await createUser({ label });
  ctx.upstream.script({ chunks: ['first'] });
  const created = await ctx.request().post('/api/chats').set(user.auth).send({ message: 'first' });
  expect(created.status).toBe(201);
  return { user, chatId: created.body.id as string };
}

/**
 * Every command of one exchange of a continued chat, split where the upstream request arrives:
 * before the model is called, and after its reply ends (no checkpoint falls in between).
 */
async function exchangeCommands(user: TestUser, chatId: string, stream: boolean) {
  let release!: () => void;
  ctx.upstream.script({ chunks: ['a ', 'b'], holdUntil: new Promise<void>((r) => (release = r)) });
  const asked = ctx.upstream.requests.length;
  commands.length = 0;
  const body = { content: `q${asked}`, stream };
  const done = stream
    ? ctx.stream(`/api/chats/${chatId}/messages`, body, user).ended
    : ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(user.auth)
        .send(body)
        .then((res) => expect(res.status).toBe(201));
  await eventually(
    () => Promise.resolve(ctx.upstream.requests.length),
    (n) => n > asked,
    10_000,
  );
  // The model call goes out before the messages are stored (started-completion.ts): wait for
  // the chat's write, the last command before the reply.
  await eventually(
    () => Promise.resolve(commands.map(named)),
    (names) => names.includes('findAndModify:chats'),
    10_000,
  );
  const before = commands.map(named);
  const pointReads = commands.filter((c) => c.commandName === 'find').map(filterOf);
  const updatesBefore = commands.filter((c) => c.commandName === 'update').map(updateFilterOf);
  const modifiesBefore = commands.filter((c) => c.commandName === 'findAndModify').map(queryOf);
  // The commands after the reply are compared by when each started and was answered: a command
  // that had to open a connection first (the pool had none idle) starts a handshake later, which
  // would read as a wait of the code's. The pool is given idle connections while the reply waits.
  await Promise.all(Array.from({ length: 4 }, () => mongoose.connection.db!.admin().ping()));
  commands.length = 0;
  release();
  await done;
  const updates = commands.filter((c) => c.commandName === 'update').map(updateFilterOf);
  const deletes = commands.filter((c) => c.commandName === 'delete').map(deleteFilterOf);
  const pointReadsAfter = commands.filter((c) => c.commandName === 'find').map(filterOf);
  const settles = commands.filter((c) => c.commandName === 'findAndModify').map(queryOf);
  const afterCommands = [...commands];
  /** Whether the first command named so went out before the second one's answer came back. */
  const startedBeforeAnswerOf = (first: string, second: string) => {
    const [a, b] = [first, second].map((name) => afterCommands.find((c) => named(c) === name)!);
    return startedAt.get(a!.requestId)! < succeededAt.get(b!.requestId)!;
  };
  return {
    before,
    after: commands.map(named),
    startedBeforeAnswerOf,
    pointReads,
    updatesBefore,
    modifiesBefore,
    updates,
    deletes,
    pointReadsAfter,
    settles,
  };
}

/** Sends one message as JSON; the model answers "ok". */
function sendAnsweredOk(user: TestUser, chatId: string, content: string) {
  ctx.upstream.script({ chunks: ['ok'] });
  return ctx.request().post(`/api/chats/${chatId}/messages`).set(user.auth).send({ content });
}

/**
 * Sends one message (JSON; the model answers "ok") while noting each event of an undici
 * diagnostics channel on the same sequence as the commands' events, which start afresh.
 */
async function sendNoting(channel: string, user: TestUser, chatId: string, content = 'next') {
  commands.length = 0;
  const seen: number[] = [];
  const onEvent = () => seen.push((events += 1));
  diagnostics_channel.subscribe(channel, onEvent);
  try {
    const res = await sendAnsweredOk(user, chatId, content);
    return { res, seen };
  } finally {
    diagnostics_channel.unsubscribe(channel, onEvent);
  }
}

/** An update's collection and the fields its filter names. */
const updateFilterOf = (c: CommandStartedEvent) => {
  const [update] = c.command.updates as { q: object }[];
  return `${String(c.command.update)} by ${Object.keys(update!.q).join(',')}`;
};

/** A delete's collection and the fields its filter names. */
const deleteFilterOf = (c: CommandStartedEvent) => {
  const [deletion] = c.command.deletes as { q: object }[];
  return `${String(c.command.delete)} by ${Object.keys(deletion!.q).join(',')}`;
};

/** The commands cut into consecutive groups of these sizes, each sorted; what is left, last. */
function groups(commands: string[], sizes: number[]): string[][] {
  const cut: string[][] = [];
  let at = 0;
  for (const size of sizes) {
    cut.push(commands.slice(at, at + size).sort());
    at += size;
  }
  if (at < commands.length) cut.push(commands.slice(at));
  return cut;
}

/** A findAndModify's collection and the fields its query names. */
const queryOf = (c: CommandStartedEvent) =>
  `${String(c.command.findAndModify)} by ${Object.keys(c.command.query as object).join(',')}`;

/** A find's collection and the fields its filter names. */
const filterOf = (c: CommandStartedEvent) =>
  `${String(c.command.find)} by ${Object.keys(c.command.filter as object).join(',')}`;

describe('round trips per exchange', () => {
  it('when a message is sent to a continued chat (stream or JSON), then the exchange issues exactly these commands, reads included, and the one read of the messages is by `_id`', async () => {
    // The message rate's count is skipped only within the minute of the instance's last message
    // (exchange.limits.ts): keep the exchanges in one minute.
    await insideOneWindow(60, 8);
    // A user of its own: this file's message rate is low. Its first send to the chat reads the
    // account beside the limits too (the test below); the ones measured take it as that send's
    // read under the slot found it (known-accounts.ts).
    const { user, chatId } = await userWithChat('round-trips');
    expect((await sendAnsweredOk(user, chatId, 'first plain send')).status).toBe(201);
    for (const stream of [true, false]) {
      const trips = await exchangeCommands(user, chatId, stream);
      // The session, the chat and the account are read by `_id` alone, checked in code: the
      // embedded FerretDB serves only that from its primary key and scans the whole collection
      // for any other filter.
      // The message answered is not read: the chat's write tells that no branch deletion began
      // since the send read the chat (branch-deletions.ts).
      expect(trips.pointReads.sort()).toEqual(['chats by _id', 'sessions by _id', 'users by _id']);
      // Commands that run side by side are compared as sets: their order is the database's.
      expect(groups(trips.before, [1, 3, 2, 1])).toEqual([
        // Before the model is called: four commands in two round trips.
        // Authentication: the session is still open (revocation is immediate).
        ['find:sessions'],
        // Side by side (exchange.limits.ts admitExchange), sorted here:
        [
          // Ownership, the chat and the turns it keeps for this send (chat-context.ts): the
          // history needs no read of the messages. The account's daily budget (an account with
          // a token limit adds one aggregate of today's ledger, under the slot) is checked as
          // the last send's read under the slot found it. The storage caps need no read: the
          // user's messages were counted less than STORAGE_RECOUNT_SECONDS ago (chats.quota.ts).
          'find:chats',
          // The generation slot: a unique-index insert (at most MAX_CONCURRENT_STREAMS at once).
          'insert:generations',
          // The message rate: the next number of this minute, under a unique _id (exactly once).
          'insert:rate_limits',
        ],
        // While the model answers (started-completion.ts), side by side: the question and the
        // empty reply in one insert, and the account, now under the slot (what disabling and a
        // changed budget rely on: exchange.service.ts storeUnderActiveAccount).
        ['find:users', 'insert:messages'],
        // Then lastMessageAt and the kept turns with the question, which also tells the chat
        // was not deleted meanwhile, answered with the branch deletions begun: the same number
        // as the send read, so the message answered needs no check (a deletion of its branch
        // begun later finds this exchange's messages itself). A JSON answer's reply is read
        // once this is done; a stream's from once its messages are stored, beside it.
        ['findAndModify:chats'],
      ]);
      // The embedded FerretDB 1.x decodes the whole collection for a filtered update (anything
      // but `_id` alone): there the kept turns are read by `_id` and written by `_id`
      // (chat-context.ts settleChatOf).
      const scans = serverScansFilters();
      expect(groups(trips.after, [1, 2])).toEqual([
        // Once the reply has ended (generation.runner.ts): its final state with what the call
        // cost, once, only while it is streaming. The reply holds its charge: no ledger entry.
        ['update:messages'],
        // Once it has landed, side by side: the slot back (the reply holds the tokens by then,
        // budgets rely on it), and the reply's text into the kept turns, answered with the chat
        // as stored (it tells the chat is still there, and the `done` event shows it), where
        // filtered updates scan read first and written after.
        ...(scans
          ? [['delete:generations', 'find:chats'], ['update:chats']]
          : [['delete:generations', 'findAndModify:chats']]),
      ]);
      // Three commands in two round trips after the reply. Where filtered updates scan, the
      // chat's filter is a read by `_id` before its write by `_id` (what that server does
      // inside a filtered update), one round trip more.
      expect(trips.after).toHaveLength(scans ? 4 : 3);
      const settle = scans ? 'update:chats' : 'findAndModify:chats';
      expect(trips.startedBeforeAnswerOf('delete:generations', settle)).toBe(true);
      expect(trips.startedBeforeAnswerOf('delete:generations', 'update:messages')).toBe(false);
      if (scans)
        expect(trips.after.indexOf('find:chats')).toBeLessThan(trips.after.indexOf('update:chats'));
      // The reply's final state by `_id` alone while its lease is surely held (message.model.ts
      // ownReply); the slot given back the same way (leases.ts releaseLease). The chat's is
      // filtered on its kept turns where that filter is served from an index.
      expect(trips.updates).toEqual(['messages by _id', ...(scans ? ['chats by _id'] : [])]);
      if (!scans) expect(trips.settles).toEqual(['chats by _id,context.leafId,context.pending']);
      expect(trips.deletes).toEqual(['generations by _id']);
      if (scans) expect(trips.pointReadsAfter).toEqual(['chats by _id']);
      // The chat's write before the model, by `_id` alone too (a context another write changed
      // meanwhile is made right when the reply settles: chat-context.ts settleChatOf).
      expect(trips.updatesBefore).toEqual([]);
      expect(trips.modifiesBefore).toEqual(['chats by _id']);
    }
  });
});

describe("the model request and the exchange's writes", () => {
  it('when a message goes out over a kept-alive provider connection, then the request is on that connection before the messages are stored', async () => {
    // Its first message opened a provider connection; the next one finds it idle and reuses it.
    const { user, chatId } = await userWithChat('request-first');
    // When undici writes each upstream request's head.
    const { res, seen: written } = await sendNoting('undici:client:sendHeaders', user, chatId);
    expect(res.status).toBe(201);
    expect(res.body.messages[1].content).toBe('ok');
    expect(written, 'the model request').toHaveLength(1);
    // What the exchange does while the model answers: the messages' insert and the account read
    // again under the slot (the first read of the account goes with the limits, before the call).
    const whileAnswering = [
      commands.find((c) => named(c) === 'insert:messages'),
      commands.filter((c) => named(c) === 'find:users')[1],
    ];
    for (const command of whileAnswering) {
      expect(command).toBeDefined();
      expect(startedAt.get(command!.requestId)!).toBeGreaterThan(written[0]!);
    }
  });
  it('when a message goes out over a kept-alive provider connection, then its writes start in the turn of the event loop that wrote the request, not a turn later', async () => {
    const { user, chatId } = await userWithChat('same-turn');
    // The event loop's turns, counted by an immediate that queues itself: it runs first in each
    // turn's immediates, ahead of those queued during the turn (the pool's write of the request
    // and the exchange's wait for it).
    let turn = 0;
    let counting = true;
    const count = () => {
      turn += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    let requestTurn = -1;
    let insertTurn = -1;
    const onHead = () => (requestTurn = turn);
    const onCommand = (event: CommandStartedEvent) => {
      if (named(event) === 'insert:messages') insertTurn = turn;
    };
    const client = monitoredClient();
    client.on('commandStarted', onCommand);
    diagnostics_channel.subscribe('undici:client:sendHeaders', onHead);
    try {
      expect((await sendAnsweredOk(user, chatId, 'same turn')).status).toBe(201);
    } finally {
      counting = false;
      client.off('commandStarted', onCommand);
      diagnostics_channel.unsubscribe('undici:client:sendHeaders', onHead);
    }
    expect(requestTurn).toBeGreaterThan(0);
    // A whole turn more would hold every exchange's writes back by what the turn's other work
    // takes: 5-20 ms at 200 streams (bench/README.md, "Figure 2: the exchange's last writes").
    expect(insertTurn).toBe(requestTurn);
  });
});

describe("a stream and its chat's write", () => {
  it("when a streamed message's chat write is slow, then its meta and first deltas come before that write, and the reply settles the chat's kept turns after it", async () => {
    const { user, chatId } = await userWithChat('early-stream');
    let release!: () => void;
    ctx.upstream.script({
      chunks: ['first '],
      holdUntil: new Promise<void>((r) => (release = r)),
      afterHold: ['last'],
    });
    const held = holdCall(
      Chat.collection,
      'findOneAndUpdate',
      ([filter]) => String((filter as { _id?: unknown })._id) === chatId,
    );
    try {
      const stream = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'early' }, user);
      await held.reached;
      // The messages are stored; the chat's write waits: the stream is under way regardless.
      await stream.waitFor(() => stream.events.some((e) => e.event === 'delta'));
      expect(stream.events.map((e) => e.event)).toEqual(['meta', 'delta']);
      release();
      await ctx.upstream.requests.at(-1)!.finished;
      // The reply has ended, and waits for the chat's write before it settles the chat; its
      // slot's lease is still renewed meanwhile (a write held up could outlast it).
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.events.some((e) => e.event === 'done')).toBe(false);
      const lease = await Generation.findOne({ chatId }).lean();
      expect(isRenewing(lease!.token)).toBe(true);
      held.release();
      await stream.ended;
      expect(isRenewing(lease!.token)).toBe(false);
      const done = stream.events.at(-1)!;
      expect(done.event).toBe('done');
      expect(done.data.message.content).toBe('first last');
    } finally {
      held.restore();
    }
    const chat = await Chat.findById(chatId).lean();
    expect(chat?.context?.turns.slice(-2)).toEqual([
      { role: 'user', content: 'early' },
      { role: 'assistant', content: 'first last' },
    ]);
    expect(chat?.context?.pending).toBe(false);
  });
  it("when a streamed message's chat write keeps failing past its retries, then its stream ends with SERVICE_UNAVAILABLE after meta, its reply is stored as that error and its slot is given back", async () => {
    const { user, chatId } = await userWithChat('chat-write-fails');
    ctx.upstream.script({ chunks: ['a ', 'b'], delayMs: 100 });
    const write = Chat.collection.findOneAndUpdate.bind(Chat.collection);
    let failed = false;
    const spy = vi
      .spyOn(Chat.collection, 'findOneAndUpdate')
      .mockImplementation(async (...args: Parameters<typeof write>) => {
        // Every attempt: a single cut is written again (tests/db/edit-cut.test.ts).
        if (String((args[0] as { _id?: unknown })._id) === chatId) {
          failed = true;
          throw new MongoNetworkError('connection reset while writing the chat');
        }
        return write(...args);
      });
    try {
      const stream = ctx.stream(`/api/chats/${chatId}/messages`, { content: 'fails' }, user);
      await stream.ended;
      expect(stream.status).toBe(200);
      expect(stream.events[0]!.event).toBe('meta');
      const last = stream.events.at(-1)!;
      expect(last.event).toBe('error');
      expect(last.data.error.code).toBe('SERVICE_UNAVAILABLE');
      const replyId = stream.events[0]!.data.assistantMessage.id as string;
      const stored = await Message.findById(replyId).lean();
      expect(stored?.status).toBe('error');
      expect(stored?.error?.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      spy.mockRestore();
    }
    expect(failed).toBe(true);
    const leases = () => Generation.countDocuments({ userId: user.id });
    expect(await eventually(leases, (n) => n === 0)).toBe(0);
  });
});

describe('a rename while a message is being sent', () => {
  it('when the chat is renamed after the send read it and before its write of the chat, then the new title stays', async () => {
    const { user, chatId } = await userWithChat('rename-during-send');
    // The rename lands just before the send writes the chat: the interleaving made certain, on
    // the real database.
    const write = Chat.collection.findOneAndUpdate.bind(Chat.collection);
    const sendWrites: Parameters<typeof write>[] = [];
    const spy = vi
      .spyOn(Chat.collection, 'findOneAndUpdate')
      .mockImplementation(async (...args: Parameters<typeof write>) => {
        if (sendWrites.length === 0)
          await write(
            { _id: new Types.ObjectId(chatId) },
            { $set: { title: 'Renamed meanwhile' } },
          );
        sendWrites.push(args);
        return write(...args);
      });
    try {
      const res = await sendAnsweredOk(user, chatId, 'a question');
      expect(res.status).toBe(201);
    } finally {
      spy.mockRestore();
    }
    // The send sets what it changes, not the title it read; its times only move forward.
    const [, update] = sendWrites[0]!;
    expect(Object.keys((update as { $set: object }).$set).sort()).toEqual(['context']);
    expect(Object.keys((update as { $max: object }).$max).sort()).toEqual([
      'lastMessageAt',
      'updatedAt',
    ]);
    const chat = await Chat.findById(chatId).lean();
    expect(chat?.title).toBe('Renamed meanwhile');
    expect(chat?.context?.turns.at(-1)).toEqual({ role: 'assistant', content: 'ok' });
    const listed = await ctx.request().get('/api/chats').set(user.auth);
    expect(listed.body.map((c: { title: string }) => c.title)).toEqual(['Renamed meanwhile']);
  });
  it('when a send that started later wrote the chat first, then the earlier send leaves its lastMessageAt and updatedAt', async () => {
    const { user, chatId } = await userWithChat('overlapping-sends');
    // The later send's write lands just before this one's: its times are ahead of this send's.
    const later = new Date(Date.now() + 60_000);
    const write = Chat.collection.findOneAndUpdate.bind(Chat.collection);
    let landed = false;
    const spy = vi
      .spyOn(Chat.collection, 'findOneAndUpdate')
      .mockImplementation(async (...args: Parameters<typeof write>) => {
        if (!landed) {
          landed = true;
          await write(
            { _id: new Types.ObjectId(chatId) },
            { $set: { lastMessageAt: later, updatedAt: later } },
          );
        }
        return write(...args);
      });
    let res;
    try {
      res = await sendAnsweredOk(user, chatId, 'an earlier question');
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(201);
    expect(landed).toBe(true);
    const chat = await Chat.findById(chatId).lean();
    expect(chat?.lastMessageAt.toISOString()).toBe(later.toISOString());
    expect(chat?.updatedAt.toISOString()).toBe(later.toISOString());
    // The reply still joined the kept turns.
    expect(chat?.context?.turns.at(-1)).toEqual({ role: 'assistant', content: 'ok' });
    const listed = await ctx.request().get('/api/chats').set(user.auth);
    expect(listed.body[0].lastMessageAt).toBe(later.toISOString());
  });
  it('when a chat created empty is renamed after its first send read it and before its write of the chat, then the rename stays and the chat is not named after the message', async () => {
    const user = await createUser({ label: 'rename-empty-during-send' });
    const created = await ctx.request().post('/api/chats').set(user.auth).send({});
    expect(created.body.title).toBe('New chat');
    const chatId = created.body.id as string;
    const write = Chat.collection.findOneAndUpdate.bind(Chat.collection);
    let renamed = false;
    const spy = vi
      .spyOn(Chat.collection, 'findOneAndUpdate')
      .mockImplementation(async (...args: Parameters<typeof write>) => {
        if (!renamed) {
          renamed = true;
          await write(
            { _id: new Types.ObjectId(chatId) },
            { $set: { title: 'Renamed meanwhile' } },
          );
        }
        return write(...args);
      });
    let res;
    try {
      res = await sendAnsweredOk(user, chatId, 'the first question');
    } finally {
      spy.mockRestore();
    }
    expect(res.status).toBe(201);
    expect(res.body.chat.title).toBe('Renamed meanwhile');
    const chat = await Chat.findById(chatId).lean();
    expect(chat?.title).toBe('Renamed meanwhile');
    expect(await Message.countDocuments({ chatId: new Types.ObjectId(chatId) })).toBe(2);

    // Without a rename, the next chat created empty is named after its first message.
    const other = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    const first = await sendAnsweredOk(user, other, 'the first question');
    expect(first.status).toBe(201);
    expect(first.body.chat.title).toBe('the first question');
    expect((await Chat.findById(other).lean())?.title).toBe('the first question');
  });
});

describe('a send whose storage count is due', () => {
  it('when the count is due, then the model call goes out before the count answers, and the messages are stored only after it', async () => {
    const user = await createUser({ label: 'count-after-call' });
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    // The count made when the chat was created is dropped, as after STORAGE_RECOUNT_SECONDS.
    forgetKnownRoom(user.id);
    // When undici creates each upstream request.
    const { res, seen: calls } = await sendNoting('undici:request:create', user, chatId, 'first');
    expect(res.status).toBe(201);
    expect(
      (await Message.find({ chatId }).sort({ createdAt: 1 }).lean()).map((m) => [
        m.role,
        m.status,
        m.content,
      ]),
    ).toEqual([
      ['user', 'complete', 'first'],
      ['assistant', 'complete', 'ok'],
    ]);
    const first = (name: string) => commands.find((c) => named(c) === name)!;
    const count = first('aggregate:messages');
    const insert = first('insert:messages');
    expect(count, 'the storage count').toBeDefined();
    // The model call was made before the count's answer came back (counting first fails this),
    // and the messages were stored only once the count had let them through.
    expect(calls[0], 'the model call').toBeLessThan(succeededAt.get(count.requestId)!);
    expect(startedAt.get(insert.requestId)!).toBeGreaterThan(succeededAt.get(count.requestId)!);
  });
});

describe('round trips on the AI SDK route', () => {
  it('when useChat sends the next message of a linked chat, then the session and the link are read, then the exchange side by side: the account only there, not before', async () => {
    await insideOneWindow(60, 8);
    const user = await createUser({ label: 'ai-sdk-trips' });
    const send = (text: string) =>
      ctx
        .request()
        .post('/api/ai-sdk/chat')
        .set(user.auth)
        .send({
          id: 'ui-hot-path',
          trigger: 'submit-message',
          messages: [{ id: `m-${text}`, role: 'user', parts: [{ type: 'text', text }] }],
        })
        .buffer(true)
        .parse(textParser);
    ctx.upstream.script({ chunks: ['one'] });
    expect((await send('first')).status).toBe(200);
    ctx.upstream.script({ chunks: ['two'] });
    commands.length = 0;
    expect((await send('second')).status).toBe(200);
    const names = commands.map(named);
    const before = names.slice(0, names.indexOf('findAndModify:chats') + 1);
    expect(groups(before, [1, 1, 4, 2, 1])).toEqual([
      ['find:sessions'],
      // The chat the useChat id names (a first message would check the budget, then make it).
      ['find:ai_sdk_chat_links'],
      // The exchange, as for POST /api/chats/:id/messages (see above).
      ['find:chats', 'find:users', 'insert:generations', 'insert:rate_limits'],
      ['find:users', 'insert:messages'],
      ['findAndModify:chats'],
    ]);
    // The link by `_id` alone: its id comes from the user and the useChat id (linkIdOf).
    expect(
      commands
        .filter((c) => c.commandName === 'find' && c.command.find === 'ai_sdk_chat_links')
        .map(filterOf),
    ).toEqual(['ai_sdk_chat_links by _id']);
  });
});

describe('reads on /v1', () => {
  it('when /v1 is called with an API key, then the key and its account are read by `_id` alone', async () => {
    const user = await createUser({ label: 'v1-key-reads' });
    const created = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'cli' });
    expect(created.status).toBe(201);
    commands.length = 0;
    const res = await ctx
      .request()
      .get('/v1/models')
      .set('Authorization', `Bearer ${created.body.key as string}`);
    expect(res.status).toBe(200);
    // The key's `_id` comes from its keyed hash (keys/key.secret.ts keyIdOf): no read by `hash`,
    // which the embedded FerretDB would answer by scanning every key. Its first use writes
    // lastUsedAt, by `_id` too (elsewhere also filtered on the last write's age, atomically).
    // Another file's work still finishing in this process (a chat's title written after its first
    // reply) may read other collections, or other accounts, meanwhile: those are not this call's.
    const anotherAccount = (c: CommandStartedEvent) => {
      const id = (c.command.filter as { _id?: Types.ObjectId } | undefined)?._id;
      return c.command.find === 'users' && id !== undefined && id.toHexString() !== user.id;
    };
    const reads = commands.filter(
      (c) =>
        c.commandName === 'find' &&
        ['api_keys', 'users'].includes(c.command.find as string) &&
        !anotherAccount(c),
    );
    expect(reads.map(filterOf)).toEqual(['api_keys by _id', 'users by _id']);
    expect(
      commands
        .filter((c) => c.commandName === 'update' && c.command.update === 'api_keys')
        .map(updateFilterOf)
        .map((u) => u.split(/ by |,/).sort()),
    ).toEqual([serverScansFilters() ? ['_id', 'api_keys'] : ['$or', '_id', 'api_keys']]);
  });
});

describe('messages per minute', () => {
  it('when other instances counted messages of the user since this one last did, then this instance still counts exactly (it skips the numbers they took)', async () => {
    const user = await createUser({ label: 'shared-rate' });
    await insideOneWindow(60, 8);
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    const sendOne = (content: string) =>
      ctx.request().post(`/api/chats/${chatId}/messages`).set(user.auth).send({ content });
    expect((await sendOne('here')).status).toBe(201);
    // Two messages through another instance: the numbers 2 and 3 of this minute, as it stores them.
    const key = `messages:${user.id}`;
    const resetAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
    await mongoose.connection
      .collection<{ _id: string }>('rate_limits')
      .insertMany(
        [2, 3].map((n) => ({ _id: `${key}#${resetAt.getTime()}#${n}`, key, n, resetAt })),
      );
    // This instance last took 1: it tries 2 and 3 (taken), then takes 4, the last of the four.
    expect((await sendOne('fourth')).status).toBe(201);
    const refused = await sendOne('fifth');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
  });

  it('when a user sends more than MESSAGES_PER_MINUTE, then 429 RATE_LIMITED with Retry-After, nothing stored, no upstream call', async () => {
    const user = await createUser({ label: 'limited' });
    // Stay inside one minute window so the count cannot reset halfway through.
    await insideOneWindow(60, 8);
    const chatId = (await ctx.request().post('/api/chats').set(user.auth).send({})).body
      .id as string;
    for (let i = 0; i < 4; i += 1) {
      expect(
        (
          await ctx
            .request()
            .post(`/api/chats/${chatId}/messages`)
            .set(user.auth)
            .send({ content: `m${i}` })
        ).status,
      ).toBe(201);
    }
    const asked = ctx.upstream.requests.length;
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'one too many', stream: true });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await Message.countDocuments({ chatId, content: 'one too many' })).toBe(0);
    expect(ctx.upstream.requests.length).toBe(asked);
    // The slot taken beside the refused count was given back.
    expect(await Generation.countDocuments({ userId: user.id })).toBe(0);
    const compat = await ctx
      .request()
      .post('/api/chat')
      .set(user.auth)
      .send({ message: 'also limited' });
    expect(compat.status).toBe(429);
  });

  it('when a message goes to a chat that is not found, then 404 (before the rate and slot refusals), it counts toward the rate and leaves no slot taken', async () => {
    const user = await createUser({ label: 'rate-404' });
    await insideOneWindow(60, 8);
    const otherUsersChat = (await ctx.request().post('/api/chats').set(ctx.user.auth).send({})).body
      .id as string;
    const asked = ctx.upstream.requests.length;
    for (let i = 0; i < 5; i += 1) {
      const res = await ctx
        .request()
        .post(`/api/chats/${otherUsersChat}/messages`)
        .set(user.auth)
        .send({ content: `not mine ${i}` });
      // The fifth is over the rate as well: the chat's refusal is the one given.
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect(await Generation.countDocuments({ userId: user.id })).toBe(0);
    expect(await Message.countDocuments({ chatId: otherUsersChat })).toBe(0);
    expect(ctx.upstream.requests.length).toBe(asked);
    // Five counted in this minute (MESSAGES_PER_MINUTE is 4): the user's own chat is refused too.
    const own = (await ctx.request().post('/api/chats').set(user.auth).send({})).body.id as string;
    const refused = await ctx
      .request()
      .post(`/api/chats/${own}/messages`)
      .set(user.auth)
      .send({ content: 'mine' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
  });
});

describe('a model call sent while the messages are stored', () => {
  it('when the chat is deleted while the messages are stored, then 404 NOT_FOUND as JSON, the model call already sent is dropped, nothing of the exchange is stored and the slot is free', async () => {
    const created = await userWithChat('abandoned-call');
    const { user } = created;
    const chatId = new Types.ObjectId(created.chatId);
    // Never answers on its own: only the client's abort ends it.
    ctx.upstream.script({ chunks: ['never read'], holdUntil: new Promise(() => undefined) });
    const asked = ctx.upstream.requests.length;
    // The chat goes (a deletion's first pass) the moment its read beside the limits has found
    // it: the model call goes out once the limits let the message through, and the chat's
    // write comes after the messages' insert, a round trip later.
    let deleted: Promise<unknown> | undefined;
    let chatRead: number | undefined;
    const client = monitoredClient();
    const noteChatRead = (event: CommandStartedEvent) => {
      if (chatRead === undefined && named(event) === 'find:chats') chatRead = event.requestId;
    };
    const deleteOnceRead = (event: CommandSucceededEvent) => {
      if (deleted || event.requestId !== chatRead) return;
      deleted = Chat.collection.deleteOne({ _id: chatId });
    };
    // Connections enough in the pool that the deletion need not open one of its own.
    await Promise.all(
      Array.from({ length: 8 }, () => mongoose.connection.db!.command({ ping: 1 })),
    );
    client.on('commandStarted', noteChatRead);
    client.on('commandSucceeded', deleteOnceRead);
    // The embedded FerretDB has one writer: under the parallel suite the deletion could queue
    // behind the exchange's writes and land after the chat's write it must precede (the send then
    // streams from a model that never answers). The messages' insert waits for it here, so the
    // chat is surely gone by the chat's write that follows; the insert itself is the real one.
    const insertMany = Message.collection.insertMany.bind(Message.collection);
    let heldInserts = 0;
    const insertAfterDeletion = vi
      .spyOn(Message.collection, 'insertMany')
      .mockImplementation(async (...args) => {
        heldInserts += 1;
        await deleted;
        return insertMany(...args);
      });
    let res;
    try {
      res = await ctx
        .request()
        .post(`/api/chats/${String(chatId)}/messages`)
        .set(user.auth)
        .send({ content: 'too late' });
    } finally {
      client.off('commandStarted', noteChatRead);
      client.off('commandSucceeded', deleteOnceRead);
      insertAfterDeletion.mockRestore();
    }
    expect(deleted).toBeDefined();
    expect(heldInserts).toBe(1);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    // The model was called, and the call was dropped rather than read.
    expect(ctx.upstream.requests.length).toBe(asked + 1);
    const call = ctx.upstream.requests[asked]!;
    expect(call.messages.at(-1)).toEqual({ role: 'user', content: 'too late' });
    await call.finished;
    expect(call.aborted).toBe(true);
    expect(await Message.countDocuments({ chatId, content: 'too late' })).toBe(0);
    expect(await Message.countDocuments({ chatId, status: 'streaming' })).toBe(0);
    expect(await Generation.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(0);
  });
});

/**
 * Sends one message as JSON while the model holds its answer until the send is answered: a
 * refusal under the slot must drop the call, which the upstream then sees aborted.
 */
async function sendRefusedUnderSlot(user: TestUser, chatId: string, content: string) {
  let release!: () => void;
  ctx.upstream.script({ chunks: ['ok'], holdUntil: new Promise<void>((r) => (release = r)) });
  try {
    return await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content });
  } finally {
    release();
  }
}

/**
 * A send of an account known from its last send, refused by the read under its slot: the read
 * beside the limits was skipped, so the call went out, and it was dropped unread; nothing of the
 * exchange is stored and the slot is free.
 */
async function expectRefusedUnderSlot(
  user: TestUser,
  chatId: string,
  content: string,
  status: number,
  code: string,
) {
  const asked = ctx.upstream.requests.length;
  const res = await sendRefusedUnderSlot(user, chatId, content);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(ctx.upstream.requests.length).toBe(asked + 1);
  await ctx.upstream.requests[asked]!.finished;
  expect(ctx.upstream.requests[asked]!.aborted).toBe(true);
  expect(await Message.countDocuments({ chatId, content })).toBe(0);
  expect(await Message.countDocuments({ chatId, status: 'streaming' })).toBe(0);
  expect(await Generation.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(0);
}

/** Gives the account a daily budget of its own, behind the instance's back (as another would). */
const setBudget = (user: TestUser, tokenBudgetPerDay: number) =>
  mongoose.connection
    .collection('users')
    .updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { tokenBudgetPerDay } });

describe('the account read beside the limits', () => {
  it('when the account is disabled but its session still open, then the send is refused 401 before the model is called, with nothing stored and the slot free', async () => {
    const { user, chatId } = await userWithChat('disabled-early');
    // Disabling also ends the sessions; here only the flag, so the read beside the limits is
    // what refuses.
    await mongoose.connection
      .collection('users')
      .updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { disabled: true } });
    const asked = ctx.upstream.requests.length;
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'refused', stream: true });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect(ctx.upstream.requests.length).toBe(asked);
    expect(await Message.countDocuments({ chatId, content: 'refused' })).toBe(0);
    expect(await Generation.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(0);
  });

  it('when a user sends to a chat again, then only the first send reads the account beside its limits, and each reads it under the slot', async () => {
    const { user, chatId } = await userWithChat('known-account');
    const accountReads = async (content: string) => {
      commands.length = 0;
      expect((await sendAnsweredOk(user, chatId, content)).status).toBe(201);
      return commands.filter((c) => named(c) === 'find:users').length;
    };
    // Beside the limits, and under the slot while the model answers.
    expect(await accountReads('first')).toBe(2);
    // Under the slot only: the budget was checked as the first send's read under its slot found it.
    expect(await accountReads('second')).toBe(1);
    forgetKnownAccounts();
    expect(await accountReads('third')).toBe(2);
  });

  it('when an account known from its last send is disabled with its session still open, then the next send is refused 401 under the slot, its model call dropped, nothing stored and the slot free', async () => {
    const { user, chatId } = await userWithChat('known-then-disabled');
    expect((await sendAnsweredOk(user, chatId, 'known')).status).toBe(201);
    await mongoose.connection
      .collection('users')
      .updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { disabled: true } });
    await expectRefusedUnderSlot(user, chatId, 'refused late', 401, 'UNAUTHENTICATED');
  });

  it('when an account known from its last send is given a daily budget it has used up, then the next send is refused 429 QUOTA_EXCEEDED under the slot with nothing stored, and the one after before the model call', async () => {
    const { user, chatId } = await userWithChat('known-then-budget');
    expect((await sendAnsweredOk(user, chatId, 'known')).status).toBe(201);
    // Today's replies have charged more than one token.
    await setBudget(user, 1);
    await expectRefusedUnderSlot(user, chatId, 'over budget', 429, 'QUOTA_EXCEEDED');
    // The refused send read the budget under its slot: the next one checks it before the call.
    const before = ctx.upstream.requests.length;
    const again = await sendAnsweredOk(user, chatId, 'still over');
    expect(again.status).toBe(429);
    expect(ctx.upstream.requests.length).toBe(before);
  });

  it('when an account known from its last send with a used-up budget is given more, then its next send goes through', async () => {
    const { user, chatId } = await userWithChat('known-then-raised');
    expect((await sendAnsweredOk(user, chatId, 'known')).status).toBe(201);
    await setBudget(user, 1);
    // Refused under its slot, whose read noted the used-up budget.
    expect((await sendRefusedUnderSlot(user, chatId, 'over budget')).status).toBe(429);
    await setBudget(user, 1_000_000);
    const asked = ctx.upstream.requests.length;
    // Checked with the budget noted, refused, and checked again with the account read now.
    const allowed = await sendAnsweredOk(user, chatId, 'within budget');
    expect(allowed.status).toBe(201);
    expect(allowed.body.messages[1].content).toBe('ok');
    expect(ctx.upstream.requests.length).toBe(asked + 1);
    expect(await Message.countDocuments({ chatId, content: 'within budget' })).toBe(1);
  });

  /** What a send checked its budget with, as storeUnderActiveAccount is told: no limit. */
  const unchangedBudget = { now: new Date(), checkedLimit: null };
  it('when the account is disabled by the time it is read again under the slot, then 401 and the messages stored beside that read are removed again', async () => {
    const { user, chatId } = await userWithChat('disabled-under-slot');
    const owner = new Types.ObjectId(user.id);
    const question = {
      _id: new Types.ObjectId(),
      chatId: new Types.ObjectId(chatId),
      userId: owner,
      role: 'user' as const,
      content: 'raced a disable',
      status: 'complete' as const,
      createdAt: new Date(),
    };
    const reply = {
      ...question,
      _id: new Types.ObjectId(),
      parentId: question._id,
      role: 'assistant' as const,
      content: '',
      status: 'streaming' as const,
    };
    // Still enabled: both are stored and returned as stored.
    const stored = await storeUnderActiveAccount(user.id, [question, reply], unchangedBudget);
    expect(stored.map((m) => String(m._id))).toEqual([String(question._id), String(reply._id)]);
    await Message.collection.deleteMany({ _id: { $in: [question._id, reply._id] } });
    await mongoose.connection
      .collection('users')
      .updateOne({ _id: owner }, { $set: { disabled: true } });
    await expect(
      storeUnderActiveAccount(user.id, [question, reply], unchangedBudget),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(await Message.countDocuments({ _id: { $in: [question._id, reply._id] } })).toBe(0);
    // The chat's earlier exchange is untouched.
    expect(await Message.countDocuments({ chatId: question.chatId })).toBe(2);
  });
});
