import { describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../helpers/instances.js';
import { finalsOf, openSse } from '../helpers/sse.js';
import {
  eventually,
  newChat,
  portOf,
  post,
  useTwoInstances,
  userOn,
  withDatabase,
} from './cluster-helpers.js';

/**
 * A reply survives its connection and its instance: two real server processes on one database,
 * the client dropped on one and resumed on the other, and a generating instance killed outright.
 */
const LEASE_SECONDS = 3;
const cluster = useTwoInstances(
  {
    MAX_CONCURRENT_STREAMS: '1',
    MESSAGES_PER_MINUTE: '1000',
    GENERATION_LEASE_SECONDS: String(LEASE_SECONDS),
    STREAM_CHECKPOINT_MS: '200',
    // Shorter than the replies: only a reader on the other instance keeps them going.
    DETACH_GRACE_SECONDS: '1',
  },
  { upstream: true },
);

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
const send = (instance: Instance, chatId: string, token: string) =>
  openSse(portOf(instance), {
    method: 'POST',
    path: `/api/chats/${chatId}/messages`,
    token,
    body: { content: 'tell me', stream: true },
  });
const follow = (
  instance: Instance,
  chatId: string,
  replyId: string,
  token: string,
  lastEventId?: string,
) =>
  openSse(portOf(instance), {
    path: `/api/chats/${chatId}/messages/${replyId}/stream`,
    token,
    headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {},
  });
const replyIdOf = (s: ReturnType<typeof send>) =>
  s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
const storedReply = (replyId: string) =>
  withDatabase(cluster.uri, (db) =>
    db.collection('messages').findOne({ _id: new db.base.Types.ObjectId(replyId) }),
  );

describe('resuming on the other instance', () => {
  it('when the client drops on A after k deltas (random k) and reconnects to B with Last-Event-ID, then B sends exactly the rest and the reply completes, though it outlasts the detach grace', async () => {
    // About 3 s of reply, three times DETACH_GRACE_SECONDS.
    const chunks = words(60);
    const user = await userOn(cluster.a, 'resume');
    for (const k of [1 + Math.floor(Math.random() * 15), 20 + Math.floor(Math.random() * 30)]) {
      cluster.upstream.script({ chunks, delayMs: 50 });
      const chatId = await newChat(cluster.a, user.accessToken);
      const first = send(cluster.a, chatId, user.accessToken);
      await first.waitFor(() => first.deltas().length >= k);
      first.close();
      const seen = first.text();
      const replyId = replyIdOf(first);

      const rest = follow(cluster.b, chatId, replyId, user.accessToken, first.lastId());
      await rest.ended;
      expect(rest.status).toBe(200);
      expect(seen + rest.text()).toBe(chunks.join(''));
      expect(finalsOf(rest)).toHaveLength(1);
      expect(rest.events.at(-1)).toMatchObject({
        event: 'done',
        id: `${replyId}:end`,
        data: { message: { status: 'complete', content: chunks.join('') } },
      });
      expect(cluster.upstream.requests).toHaveLength(1);
      expect(cluster.upstream.requests[0]!.aborted).toBe(false);
      expect(await storedReply(replyId)).toMatchObject({ status: 'complete' });
      cluster.upstream.reset();
    }
  }, 60_000);

  it('when one tab reads on A and another on B, then both get the identical text and final event', async () => {
    cluster.upstream.script({ chunks: words(30), delayMs: 40 });
    const user = await userOn(cluster.b, 'tabs');
    const chatId = await newChat(cluster.a, user.accessToken);
    const first = send(cluster.a, chatId, user.accessToken);
    await first.waitFor(() => first.deltas().length >= 3);
    const second = follow(cluster.b, chatId, replyIdOf(first), user.accessToken);
    await Promise.all([first.ended, second.ended]);
    expect(second.events[0]).toMatchObject({ event: 'meta', id: first.events[0]!.id });
    expect(second.events[0]!.data.assistantMessage).toEqual(first.events[0]!.data.assistantMessage);
    expect(second.text()).toBe(first.text());
    expect(second.text()).toBe(words(30).join(''));
    expect(second.events.at(-1)).toEqual(first.events.at(-1));
    expect(cluster.upstream.requests).toHaveLength(1);
  }, 30_000);
});

describe('an instance killed mid-reply', () => {
  it('when the generating instance gets SIGKILL, then the reply ends incomplete with its checkpoint and INTERRUPTED, a reader on B gets that final event, and the slot is free within the lease time', async () => {
    const doomed = await startInstance(cluster.env);
    try {
      cluster.upstream.script({ chunks: words(400), delayMs: 30 });
      const user = await userOn(cluster.b, 'killed');
      const chatId = await newChat(cluster.b, user.accessToken);
      const first = send(doomed, chatId, user.accessToken);
      await first.waitFor(() => first.deltas().length >= 20);
      const replyId = replyIdOf(first);
      // A checkpoint is down (every 200 ms) before the kill.
      await eventually(
        () => storedReply(replyId),
        (m) => (m?.content?.length ?? 0) > 0,
      );
      const reader = follow(cluster.b, chatId, replyId, user.accessToken, `${replyId}:0`);
      await reader.waitFor(() => reader.deltas().length >= 1);
      await doomed.stop('SIGKILL');
      const killedAt = Date.now();
      // When the dead instance's lease lapses: it may have renewed it just before the kill.
      const lease = await withDatabase(cluster.uri, (db) =>
        db
          .collection('generations')
          .findOne(
            { chatId: new db.base.Types.ObjectId(chatId) },
            { projection: { expiresAt: 1 } },
          ),
      );
      const lapsesAt = (lease!.expiresAt as Date).getTime();
      expect(lapsesAt - killedAt).toBeLessThanOrEqual(LEASE_SECONDS * 1000);

      await reader.ended;
      expect(finalsOf(reader)).toHaveLength(1);
      const last = reader.events.at(-1)!;
      expect(last).toMatchObject({
        event: 'error',
        id: `${replyId}:end`,
        data: {
          error: { code: 'INTERRUPTED' },
          message: { id: replyId, status: 'incomplete', error: { code: 'INTERRUPTED' } },
        },
      });
      const stored = await storedReply(replyId);
      expect(stored).toMatchObject({ status: 'incomplete', error: { code: 'INTERRUPTED' } });
      // The last checkpoint: a prefix of what the client saw on the dead instance.
      expect(stored!.content.length).toBeGreaterThan(0);
      expect(words(400).join('').startsWith(stored!.content)).toBe(true);
      expect(reader.text()).toBe(stored!.content);

      // MAX_CONCURRENT_STREAMS is 1: a new reply starts as soon as the dead lease is gone.
      const again = await eventually(
        async () => {
          const res = await post(
            `${cluster.b.url}/api/chats/${chatId}/messages`,
            { content: 'again', stream: false },
            user.accessToken,
          );
          return res.status;
        },
        (status) => status === 201,
        (LEASE_SECONDS + 2) * 1000,
      );
      expect(again).toBe(201);
      // Within moments of the lapse (the reader on B notices it at its next liveness check, up
      // to a second later, and the send follows the reader's end).
      expect(Date.now() - lapsesAt).toBeLessThan(3000);
      const chat = await fetch(`${cluster.b.url}/api/chats/${chatId}`, {
        headers: { Authorization: `Bearer ${user.accessToken}` },
      });
      const messages = ((await chat.json()) as { messages: { status: string }[] }).messages;
      expect(messages.map((m) => m.status)).toEqual([
        'complete',
        'incomplete',
        'complete',
        'complete',
      ]);
    } finally {
      await doomed.stop('SIGKILL');
    }
  }, 60_000);
});
