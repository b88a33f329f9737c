import { describe, expect, it } from 'vitest';
import type { Instance } from '../helpers/instances.js';
import { openSse } from '../helpers/sse.js';
import {
  eventually,
  newChat,
  portOf,
  useTwoInstances,
  userOn,
  withDatabase,
} from './cluster-helpers.js';

/**
 * A reply whose client left waits DETACH_GRACE_SECONDS for it on the instance that generates it;
 * a new send of the same user on another instance that finds the slot busy has it cut there.
 */
const cluster = useTwoInstances(
  {
    MAX_CONCURRENT_STREAMS: '1',
    MESSAGES_PER_MINUTE: '1000',
    DETACH_GRACE_SECONDS: '30',
    STOP_POLL_MS: '100',
  },
  { upstream: true },
);

const send = (instance: Instance, chatId: string, token: string, content: string) =>
  openSse(portOf(instance), {
    method: 'POST',
    path: `/api/chats/${chatId}/messages`,
    token,
    body: { content, stream: true },
  });
const replyIdOf = (s: ReturnType<typeof send>) =>
  s.events.find((e) => e.event === 'meta')!.data.assistantMessage.id as string;
const stored = (replyId: string) =>
  withDatabase(cluster.uri, (db) =>
    db.collection('messages').findOne({ _id: new db.base.Types.ObjectId(replyId) }),
  );

const waitingLease = () =>
  withDatabase(cluster.uri, (db) =>
    db.collection('generations').findOne({ waitingSince: { $ne: null } }),
  );

/**
 * A user whose reply, generated on A, lost its client: once A has noted on the lease that it
 * waits (a write after the disconnect). Its chat and the reply's id.
 */
async function droppedOnA(label: string) {
  const user = await userOn(cluster.a, label);
  const chatId = await newChat(cluster.a, user.accessToken);
  cluster.upstream.script({ chunks: ['w '], endless: true, delayMs: 20 });
  const first = send(cluster.a, chatId, user.accessToken, 'first');
  await first.waitForEvent('delta');
  const firstId = replyIdOf(first);
  first.close();
  expect(await eventually(waitingLease, (lease) => lease !== null)).not.toBeNull();
  return { user, chatId, firstId };
}

describe('a reply waiting for its client on another instance', () => {
  it('when the user drops a stream on A and sends on B with the one slot busy, then B cuts the waiting reply on A (stored incomplete) and streams the new one', async () => {
    const { user, chatId, firstId } = await droppedOnA('waiting');
    cluster.upstream.script({ chunks: ['second'] });
    const second = send(cluster.b, chatId, user.accessToken, 'second');
    await second.ended;
    expect(second.status).toBe(200);
    expect(second.events.at(-1)).toMatchObject({
      event: 'done',
      data: { message: { status: 'complete', content: 'second' } },
    });
    const cut = await stored(firstId);
    expect(cut).toMatchObject({ status: 'incomplete' });
    expect(String(cut!.content)).toMatch(/^w w /);
  });

  it('when a reader on B follows the reply that A generates (its client left A), then the reply is read, not waiting: a send on A with the one slot busy gets 429 and the reply goes on', async () => {
    const { user, chatId, firstId } = await droppedOnA('followed');
    // The client comes back on B, which follows the stored reply and says so (reply_readers).
    const resumed = openSse(portOf(cluster.b), {
      path: `/api/chats/${chatId}/messages/${firstId}/stream`,
      token: user.accessToken,
    });
    await resumed.waitForEvent('delta');
    expect(resumed.status).toBe(200);
    // A learns of that reader (its follower poll) and no longer lists the reply as waiting.
    expect(await eventually(waitingLease, (lease) => lease === null)).toBeNull();
    const next = await fetch(`http://127.0.0.1:${portOf(cluster.a)}/api/chats/${chatId}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ content: 'second', stream: true }),
    });
    expect(next.status).toBe(429);
    expect(((await next.json()) as { error: { code: string } }).error.code).toBe(
      'TOO_MANY_STREAMS',
    );
    expect(await stored(firstId)).toMatchObject({ status: 'streaming' });
    const seen = resumed.events.length;
    await resumed.waitFor(() => resumed.events.length > seen + 1);
    resumed.close();
  });
});
