import {
  DefaultChatTransport,
  readUIMessageStream,
  uiMessageChunkSchema,
  validateUIMessages,
  type UIMessage,
  type UIMessageChunk,
} from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { Generation } from '../../src/modules/chats/generation/generation.model.js';
import { ChatLink, linkIdOf } from '../../src/modules/ai-sdk/chat-link.model.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError, NO_TIGHT_LIMITS, PASSWORD } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { holdCall } from '../helpers/hold-call.js';
import { useListeningApp } from '../helpers/sse.js';
import { startUpstream } from '../helpers/upstream.js';
import { upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';

const upstream = await startUpstream();
const ctx = useTestApp({
  ...NO_TIGHT_LIMITS,
  ...upstreamEnv(upstream),
  MODELS: 'test-model,demo',
  DEMO_CHUNK_DELAY_MS: '0',
});
afterAll(() => upstream.close());
const server = useListeningApp(ctx);
/** The route useChat's transport posts to, on the listening app. */
let api: string;
let user: TestUser;

beforeAll(async () => {
  api = `${server.url}/api/ai-sdk/chat`;
  user = await createUser({ label: 'ai-sdk' });
});
beforeEach(() => upstream.reset());

const userMessage = (text: string, id = `m-${Math.random().toString(36).slice(2)}`): UIMessage => ({
  id,
  role: 'user',
  parts: [{ type: 'text', text }],
});

/** What useChat does for a new message: DefaultChatTransport with the access token in headers. */
function send(chatId: string, messages: UIMessage[], token = user.accessToken, body?: object) {
  const transport = new DefaultChatTransport<UIMessage>({
    api,
    headers: { Authorization: `Bearer ${token}` },
    ...(body ? { body } : {}),
  });
  return transport.sendMessages({
    chatId,
    messages,
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
  });
}

/** The answer a stream's `start` part named, as useChat holds it (its id is the stored one). */
const answerOf = (chunks: UIMessageChunk[], text: string): UIMessage => ({
  id: (chunks[0] as { messageId: string }).messageId,
  role: 'assistant',
  parts: [{ type: 'text', text }],
});

async function chunksOf(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

describe('POST /api/ai-sdk/chat with the ai package (useChat transport)', () => {
  it('when useChat sends a new message, then the UI message stream builds the reply and the exchange is stored in a chat of its own', async () => {
    upstream.script({ chunks: ['Hello', ' from', ' the server'] });
    const stream = await send('ui-chat-1', [userMessage('Hi there')]);
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream<UIMessage>({ stream, terminateOnError: true }))
      last = message;
    expect(last!.role).toBe('assistant');
    expect(last!.parts).toEqual([
      { type: 'step-start' },
      { type: 'text', text: 'Hello from the server', state: 'done' },
    ]);
    const link = await ChatLink.findOne({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-1',
    }).lean();
    expect(last!.id).toMatch(/^[a-f0-9]{24}$/);
    expect(last!.metadata).toEqual({ chatId: String(link!.chatId) });
    const stored = await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Hi there', 'complete'],
      ['assistant', 'Hello from the server', 'complete'],
    ]);
    expect(String(stored[1]!._id)).toBe(last!.id);
    expect((await Chat.findById(link!.chatId).lean())!.title).toBe('Hi there');
  });

  it('when a reasoning model thinks before answering, then useChat gets its thinking as a reasoning part before the text, and only the answer is stored', async () => {
    upstream.script({ reasoning: { pieces: ['Greeting', ' requested.'] }, chunks: ['Hi', '!'] });
    const stream = await send('ui-chat-reasoning', [userMessage('Greet me')]);
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream<UIMessage>({ stream, terminateOnError: true }))
      last = message;
    expect(last!.parts).toMatchObject([
      { type: 'step-start' },
      { type: 'reasoning', text: 'Greeting requested.', state: 'done' },
      { type: 'text', text: 'Hi!', state: 'done' },
    ]);
    expect(last!.parts).toHaveLength(3);
    const stored = await Message.findById(last!.id).lean();
    expect(stored).toMatchObject({ content: 'Hi!', status: 'complete' });
  });

  it('when the same useChat id sends the next message with the whole history, then only the new message is taken and the server history goes upstream', async () => {
    upstream.script({ chunks: ['First answer'] }, { chunks: ['Second answer'] });
    const first = userMessage('Question one');
    await chunksOf(await send('ui-chat-2', [first]));
    const history: UIMessage[] = [
      first,
      { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'tampered history' }] },
      userMessage('Question two'),
    ];
    const chunks = await chunksOf(await send('ui-chat-2', history));
    expect(chunks.map((c) => c.type)).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-delta',
      'text-end',
      'finish-step',
      'finish',
    ]);
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(upstream.requests[1]!.messages).toEqual([
      { role: 'user', content: 'Question one' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Question two' },
    ]);
    const links = await ChatLink.find({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-2',
    }).lean();
    expect(links).toHaveLength(1);
    expect(await Message.countDocuments({ chatId: links[0]!.chatId })).toBe(4);
  });

  it("when the README's transport sends the new message after a long answer, with a model in the body, then the body stays small and the server history and that model answer", async () => {
    // The options of the README's useChat snippet, verbatim apart from the URL and token.
    const bodies: string[] = [];
    const transport = new DefaultChatTransport<UIMessage>({
      api,
      headers: () => ({ Authorization: `Bearer ${user.accessToken}` }),
      prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body }) => ({
        body: {
          ...body,
          id,
          messages: messages
            .slice(-2)
            .map((m, i, two) => (i < two.length - 1 ? { ...m, parts: [] } : m)),
          trigger,
          messageId,
        },
      }),
      fetch: (input, init) => {
        bodies.push(init?.body as string);
        return fetch(input, init);
      },
    });
    const sendOne = (messages: UIMessage[]) =>
      transport.sendMessages({
        chatId: 'ui-chat-readme',
        messages,
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
        body: { model: 'demo' },
      });
    const first = userMessage('Readme one');
    const started = await chunksOf(await sendOne([first]));
    // An answer far past BODY_LIMIT (300 KB) in useChat's list: only its id goes out.
    const history: UIMessage[] = [
      first,
      answerOf(started, 'x'.repeat(600_000)),
      userMessage('Readme two'),
    ];
    const chunks = await chunksOf(await sendOne(history));
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(bodies.at(-1)!.length).toBeLessThan(1000);
    const link = await ChatLink.findOne({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-readme',
    }).lean();
    const stored = await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(stored[2]!.content).toBe('Readme two');
    expect(stored[3]!.content).toContain('[Demo model]');
    expect(upstream.requests).toHaveLength(0); // the demo model, chosen through the body, answered
  });

  it('when the wire is read raw, then it has the UI message stream header, data: parts that the ai schema accepts, and [DONE]', async () => {
    const res = await fetch(api, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'ui-chat-raw',
        messages: [userMessage('Raw')],
        trigger: 'submit-message',
        model: 'demo',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events.at(-1)).toBe('data: [DONE]');
    const schema = uiMessageChunkSchema();
    for (const event of events.slice(0, -1)) {
      const parsed = await schema.validate!(JSON.parse(event.slice(6)));
      expect(parsed.success, event).toBe(true);
    }
    expect(upstream.requests).toHaveLength(0); // the demo model answered
  });

  it('when two users use the same useChat id, then each gets a chat of their own', async () => {
    const other = await createUser({ label: 'ai-sdk-other' });
    await chunksOf(await send('shared-id', [userMessage('Mine')]));
    await chunksOf(await send('shared-id', [userMessage('Theirs')], other.accessToken));
    const links = await ChatLink.find({ clientId: 'shared-id' }).lean();
    expect(links).toHaveLength(2);
    expect(new Set(links.map((l) => String(l.chatId))).size).toBe(2);
    const otherChat = links.find((l) => String(l.userId) === other.id)!;
    expect(
      (await Message.find({ chatId: otherChat.chatId }).lean()).map((m) => m.content),
    ).toContain('Theirs');
  });

  it('when the linked chat was deleted, then its link went with it, and the next message (after the answer the page still shows) starts a new chat for the id', async () => {
    const before = userMessage('Before');
    const first = await chunksOf(await send('ui-chat-deleted', [before]));
    const shown = answerOf(first, 'the answer');
    const link = await ChatLink.findOne({ clientId: 'ui-chat-deleted' }).lean();
    await ctx
      .request()
      .delete(`/api/chats/${String(link!.chatId)}`)
      .set(user.auth)
      .expect(204);
    // Nothing of the chat stays: not the link that named it either (with the useChat id).
    expect(await ChatLink.countDocuments({ chatId: link!.chatId })).toBe(0);
    // The page still shows the deleted chat's answer, and sends after it as useChat does.
    upstream.script({ chunks: ['fresh'] });
    const after = await chunksOf(
      await send('ui-chat-deleted', [before, shown, userMessage('After')]),
    );
    expect(after.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    const relinked = await ChatLink.findOne({ clientId: 'ui-chat-deleted' }).lean();
    expect(String(relinked!.chatId)).not.toBe(String(link!.chatId));
    const stored = await Message.find({ chatId: relinked!.chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.content, m.parentId && String(m.parentId)])).toEqual([
      ['After', null],
      ['fresh', String(stored[0]!._id)],
    ]);
    // The model got the new chat's history: nothing of the deleted one.
    expect(upstream.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'After' }]);
  });

  it('when a request that read the link of a deleted chat forgets it after another tab linked the id to a new chat, then the new link stays', async () => {
    const before = userMessage('Before');
    const shown = answerOf(await chunksOf(await send('ui-chat-relinked', [before])), 'answer');
    const link = await ChatLink.findOne({ clientId: 'ui-chat-relinked' }).lean();
    // The chat goes while this request's read of the link is under way (the deletion's own pass
    // over links came before that read could see it gone).
    await Chat.deleteOne({ _id: link!.chatId });
    const forget = holdCall(ChatLink, 'deleteOne');
    try {
      upstream.setDefault({ chunks: ['fresh'] });
      const late = send('ui-chat-relinked', [before, shown, userMessage('Late')]).then(chunksOf);
      await forget.reached;
      // Another tab's first message linked the id to a chat of its own meanwhile.
      const other = await ctx.request().post('/api/chats').set(user.auth).send({}).expect(201);
      await ChatLink.updateOne(
        { clientId: 'ui-chat-relinked' },
        { $set: { chatId: new Types.ObjectId(String(other.body.id)) } },
      );
      forget.release();
      expect((await late).at(-1)).toMatchObject({ type: 'finish' });
      const kept = await ChatLink.findOne({ clientId: 'ui-chat-relinked' }).lean();
      expect(String(kept!.chatId)).toBe(String(other.body.id));
    } finally {
      forget.restore();
    }
  });

  it('when the linked chat was deleted and the page edits a question after an answer it still shows, then 404 and no chat is made for it', async () => {
    const q1 = userMessage('Q1');
    const first = await chunksOf(await send('ui-chat-deleted-edit', [q1]));
    const a1 = answerOf(first, 'the answer');
    const q2 = userMessage('Q2');
    await chunksOf(await send('ui-chat-deleted-edit', [q1, a1, q2]));
    const link = await ChatLink.findOne({ clientId: 'ui-chat-deleted-edit' }).lean();
    await ctx
      .request()
      .delete(`/api/chats/${String(link!.chatId)}`)
      .set(user.auth)
      .expect(204);
    const chatsBefore = await Chat.countDocuments({ userId: new Types.ObjectId(user.id) });
    const requestsBefore = upstream.requests.length;
    // useChat replaces Q2 and sends the list up to it: Q2 goes after A1, which is gone.
    const res = await fetch(api, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'ui-chat-deleted-edit',
        messages: [q1, a1, { ...q2, parts: [{ type: 'text', text: 'Q2 edited' }] }],
        trigger: 'submit-message',
        messageId: q2.id,
      }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(await Chat.countDocuments({ userId: new Types.ObjectId(user.id) })).toBe(chatsBefore);
    expect(await ChatLink.countDocuments({ clientId: 'ui-chat-deleted-edit' })).toBe(0);
    expect(upstream.requests).toHaveLength(requestsBefore);
  });

  it("when a useChat id's first message is refused (every generation slot busy), then 429 and no chat or link is made; once a slot is free, the id's message starts its chat", async () => {
    const busy = await createUser({ label: 'ai-sdk-busy' });
    const chatsOf = () => Chat.countDocuments({ userId: new Types.ObjectId(busy.id) });
    // Both of the user's slots (MAX_CONCURRENT_STREAMS 2) held by replies on another instance.
    const held = await Promise.all(
      [0, 1].map((slot) =>
        Generation.create({
          userId: busy.id,
          chatId: new Types.ObjectId(),
          slot,
          token: `busy-${slot}`,
          instanceId: 'elsewhere',
          expiresAt: new Date(Date.now() + 60_000),
        }),
      ),
    );
    const first = () =>
      fetch(api, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${busy.accessToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          id: 'ui-chat-busy',
          messages: [userMessage('Hello')],
          trigger: 'submit-message',
        }),
      });
    const refused = await first();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'TOO_MANY_STREAMS',
    );
    expect(await chatsOf()).toBe(0);
    expect(await ChatLink.countDocuments({ clientId: 'ui-chat-busy' })).toBe(0);

    await Generation.deleteMany({ _id: { $in: held.map((g) => g._id) } });
    upstream.script({ chunks: ['Hi'] });
    const answered = await first();
    expect(answered.status).toBe(200);
    await answered.text();
    const link = await ChatLink.findOne({ clientId: 'ui-chat-busy' }).lean();
    expect(await chatsOf()).toBe(1);
    expect(
      (await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean()).map(
        (m) => m.content,
      ),
    ).toEqual(['Hello', 'Hi']);
  });

  it('when another tab deleted the answer the page shows, then a new message goes after the active leaf instead of failing', async () => {
    upstream.script({ chunks: ['A1'] }, { chunks: ['A2'] }, { chunks: ['A3'] });
    const q1 = userMessage('Q1');
    const first = await chunksOf(await send('ui-chat-gone-answer', [q1]));
    const a1 = answerOf(first, 'A1');
    const q2 = userMessage('Q2');
    const second = await chunksOf(await send('ui-chat-gone-answer', [q1, a1, q2]));
    const a2 = answerOf(second, 'A2');
    const chatId = (second[0] as { messageMetadata: { chatId: string } }).messageMetadata.chatId;
    // Another tab deletes A2: the active branch ends at Q2 without its answer.
    await ctx.request().delete(`/api/chats/${chatId}/messages/${a2.id}`).set(user.auth).expect(204);
    const third = await chunksOf(
      await send('ui-chat-gone-answer', [q1, a1, q2, a2, userMessage('Q3')]),
    );
    expect(third.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    // Beside the unanswered Q2 (as a plain send there goes), after A1.
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q3' },
    ]);
  });

  it('when a useChat id is first used, then its link is stored under an id made of the user and the useChat id; a link stored before, under an id of its own, is still followed', async () => {
    await chunksOf(await send('ui-chat-keyed', [userMessage('Keyed')]));
    const link = await ChatLink.findOne({ clientId: 'ui-chat-keyed' }).lean();
    expect(String(link!._id)).toBe(String(linkIdOf(user.id, 'ui-chat-keyed')));

    // A link as this server stored them before: its own id, found by user and useChat id.
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({});
    expect(chat.status).toBe(201);
    await ChatLink.collection.insertOne({
      _id: new Types.ObjectId(),
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-before',
      chatId: new Types.ObjectId(chat.body.id as string),
      createdAt: new Date(),
    });
    await chunksOf(await send('ui-chat-before', [userMessage('Still there')]));
    expect(
      (await Message.find({ chatId: chat.body.id as string }).lean()).map((m) => m.content),
    ).toEqual(expect.arrayContaining(['Still there']));
    expect(await ChatLink.countDocuments({ clientId: 'ui-chat-before' })).toBe(1);
  });

  it('when the account is deleted, then its useChat links go with its chats', async () => {
    const leaving = await createUser({ label: 'ai-sdk-leaving' });
    await chunksOf(await send('ui-chat-leaving', [userMessage('Bye')], leaving.accessToken));
    const owner = new Types.ObjectId(leaving.id);
    expect(await ChatLink.countDocuments({ userId: owner })).toBe(1);
    await ctx
      .request()
      .delete('/api/auth/me')
      .set(leaving.auth)
      .send({ password: PASSWORD })
      .expect(204);
    expect(await ChatLink.countDocuments({ userId: owner })).toBe(0);
    expect(await Chat.countDocuments({ userId: owner })).toBe(0);
    // Another user's link with the same id is untouched.
    await chunksOf(await send('ui-chat-leaving', [userMessage('Still here')]));
    expect(await ChatLink.countDocuments({ clientId: 'ui-chat-leaving' })).toBe(1);
  });

  it('when the provider fails mid-reply, then the stream carries an error part without provider details', async () => {
    upstream.script({ chunks: ['partial'], failAfter: 1, failWith: 'error-event' });
    const chunks = await chunksOf(await send('ui-chat-error', [userMessage('Fail please')]));
    const error = chunks.find((c) => c.type === 'error');
    expect(error).toEqual({ type: 'error', errorText: expect.any(String) });
    expect(JSON.stringify(chunks)).not.toContain('sk-leak');
    expect(chunks.some((c) => c.type === 'finish')).toBe(false);
    expect(
      await eventually(
        () => Generation.countDocuments({}),
        (n) => n === 0,
      ),
    ).toBe(0);
  });

  it('when the provider stream ends without a finish reason or [DONE], then the finish part says interrupted and the reply is stored with none', async () => {
    upstream.script({ chunks: ['Cut', ' short'], finishReason: null, done: false });
    const chunks = await chunksOf(await send('ui-chat-unfinished', [userMessage('Go on')]));
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'interrupted' });
    const link = await ChatLink.findOne({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-unfinished',
    }).lean();
    const reply = await Message.findOne({ chatId: link!.chatId, role: 'assistant' }).lean();
    expect(reply).toMatchObject({ content: 'Cut short', status: 'complete', finishReason: null });
  });

  it.each([
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'tool-calls'],
    ['a_reason_of_its_own', 'other'],
  ])(
    'when the provider ends with finish_reason %s, then the finish part says %s in the AI SDK’s spelling and the reply keeps the provider’s',
    async (provider, sdk) => {
      upstream.script({ chunks: ['Some', ' text'], finishReason: provider });
      const clientId = `ui-chat-finish-${provider}`;
      const chunks = await chunksOf(await send(clientId, [userMessage('Answer')]));
      expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: sdk });
      const link = await ChatLink.findOne({ userId: new Types.ObjectId(user.id), clientId }).lean();
      const reply = await Message.findOne({ chatId: link!.chatId, role: 'assistant' }).lean();
      expect(reply).toMatchObject({ content: 'Some text', finishReason: provider });
    },
  );

  it('when useChat regenerates the answer, then a second answer is stored as a sibling under the same question, from the same history, and streams like a send', async () => {
    upstream.script(
      { chunks: ['Earlier answer'] },
      { chunks: ['First try'] },
      { chunks: ['Second', ' try'] },
      { chunks: ['Third try'] },
    );
    const earlier = userMessage('Earlier question');
    await chunksOf(await send('ui-chat-regen', [earlier]));
    const question = userMessage('Which one?');
    const firstChunks = await chunksOf(
      await send('ui-chat-regen', [
        earlier,
        { id: 'a0', role: 'assistant', parts: [{ type: 'text', text: 'Earlier answer' }] },
        question,
      ]),
    );
    const firstId = (firstChunks[0] as { messageId: string }).messageId;
    const history = [
      earlier,
      { id: 'a0', role: 'assistant' as const, parts: [{ type: 'text' as const, text: 'x' }] },
      question,
    ];
    // What useChat's regenerate() sends: the messages up to the question, and the answer's id.
    const transport = new DefaultChatTransport<UIMessage>({
      api,
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    const regenerate = (messageId: string | undefined) =>
      transport.sendMessages({
        chatId: 'ui-chat-regen',
        messages: history,
        trigger: 'regenerate-message',
        messageId,
        abortSignal: undefined,
      });
    const chunks = await chunksOf(await regenerate(firstId));
    const schema = uiMessageChunkSchema();
    for (const chunk of chunks) expect((await schema.validate!(chunk)).success).toBe(true);
    expect(chunks.map((c) => c.type)).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'finish-step',
      'finish',
    ]);
    const secondId = (chunks[0] as { messageId: string }).messageId;
    expect(secondId).not.toBe(firstId);

    // An id only the browser knows: the latest answer of the active branch (the second) again.
    await chunksOf(await regenerate('browser-only-id'));

    const link = await ChatLink.findOne({ clientId: 'ui-chat-regen' }).lean();
    const stored = await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Earlier question', 'complete'],
      ['assistant', 'Earlier answer', 'complete'],
      ['user', 'Which one?', 'complete'],
      ['assistant', 'First try', 'complete'],
      ['assistant', 'Second try', 'complete'],
      ['assistant', 'Third try', 'complete'],
    ]);
    for (const answer of stored.slice(3))
      expect(String(answer.parentId)).toBe(String(stored[2]!._id));
    expect(String(stored[4]!._id)).toBe(secondId);
    expect(String((await Chat.findById(link!.chatId).lean())!.activeLeafId)).toBe(
      String(stored[5]!._id),
    );
    // Each try was given the same history as the first.
    expect(upstream.requests).toHaveLength(4);
    expect(upstream.requests[2]!.messages).toEqual(upstream.requests[1]!.messages);
    expect(upstream.requests[3]!.messages).toEqual(upstream.requests[1]!.messages);
    expect(upstream.requests[1]!.messages).toEqual([
      { role: 'user', content: 'Earlier question' },
      { role: 'assistant', content: 'Earlier answer' },
      { role: 'user', content: 'Which one?' },
    ]);
  });

  it('when useChat edits a question (sendMessage with its messageId), then the new question goes beside it after the answer before it: the model gets the history up to there, and the old branch stays', async () => {
    const edit = (messages: UIMessage[], messageId: string) =>
      new DefaultChatTransport<UIMessage>({
        api,
        headers: { Authorization: `Bearer ${user.accessToken}` },
      }).sendMessages({
        chatId: 'ui-chat-edit',
        messages,
        trigger: 'submit-message',
        messageId,
        abortSignal: undefined,
      });
    upstream.script({ chunks: ['A1'] }, { chunks: ['A2'] }, { chunks: ['A2 again'] });
    const q1 = userMessage('Q1');
    const first = await chunksOf(await send('ui-chat-edit', [q1]));
    const a1 = answerOf(first, 'A1');
    const q2 = userMessage('Q2');
    await chunksOf(await send('ui-chat-edit', [q1, a1, q2]));
    // useChat replaces Q2 in its list and sends the list up to it.
    await chunksOf(
      await edit([q1, a1, { ...q2, parts: [{ type: 'text', text: 'Q2 edited' }] }], q2.id),
    );
    expect(upstream.requests[2]!.messages).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2 edited' },
    ]);
    const link = await ChatLink.findOne({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-edit',
    }).lean();
    const questions = await Message.find({ chatId: link!.chatId, role: 'user' })
      .sort({ createdAt: 1 })
      .lean();
    expect(questions.map((m) => [m.content, String(m.parentId)])).toEqual([
      ['Q1', 'null'],
      ['Q2', a1.id],
      ['Q2 edited', a1.id],
    ]);

    // Editing the first question: a new first message, with no history.
    upstream.script({ chunks: ['fresh'] });
    await chunksOf(await edit([{ ...q1, parts: [{ type: 'text', text: 'Q1 edited' }] }], q1.id));
    expect(upstream.requests[3]!.messages).toEqual([{ role: 'user', content: 'Q1 edited' }]);

    // An edit whose message before it is not a stored answer: refused, nothing stored.
    const before = await Message.countDocuments({ chatId: link!.chatId });
    const bad = await fetch(api, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: 'ui-chat-edit',
        messages: [{ ...a1, id: 'not-stored' }, q2],
        trigger: 'submit-message',
        messageId: q2.id,
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: unknown } }).error.details).toEqual([
      expect.objectContaining({ path: 'messageId' }),
    ]);
    expect(await Message.countDocuments({ chatId: link!.chatId })).toBe(before);
  });

  it.each([
    ['', false],
    [' (its id written in capitals)', true],
  ])(
    'when another tab moved the chat to another branch, then a new useChat message goes after the answer this tab shows%s, and the model gets that conversation',
    async (_, capitals) => {
      upstream.script(
        { chunks: ['A1'] },
        { chunks: ['A2'] },
        { chunks: ['B2'] },
        { chunks: ['A3'] },
      );
      const id = `ui-chat-tabs${capitals ? '-caps' : ''}`;
      const q1 = userMessage('Q1');
      const first = await chunksOf(await send(id, [q1]));
      const a1 = answerOf(first, 'A1');
      const q2 = userMessage('Q2');
      const second = await chunksOf(await send(id, [q1, a1, q2]));
      const a2 = answerOf(second, 'A2');
      const shown = capitals ? { ...a2, id: a2.id.toUpperCase() } : a2;
      const chatId = (second[0] as { messageMetadata: { chatId: string } }).messageMetadata.chatId;
      // Tab B edits Q2 through the chats routes: the chat's active branch moves there.
      const edited = await ctx
        .request()
        .post(`/api/chats/${chatId}/messages`)
        .set(user.auth)
        .send({ content: 'Q2 edited in tab B', parentId: a1.id, stream: false });
      expect(edited.status).toBe(201);
      // Tab A still shows Q1 A1 Q2 A2 and sends Q3.
      const third = await chunksOf(await send(id, [q1, a1, q2, shown, userMessage('Q3')]));
      expect(upstream.requests[3]!.messages).toEqual([
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'Q2' },
        { role: 'assistant', content: 'A2' },
        { role: 'user', content: 'Q3' },
      ]);
      const q3 = await Message.findOne({
        chatId: new Types.ObjectId(chatId),
        content: 'Q3',
      }).lean();
      expect(String(q3!.parentId)).toBe(a2.id);
      // The chat follows tab A's message now: its active branch ends with the new answer.
      const chat = await ctx.request().get(`/api/chats/${chatId}`).set(user.auth).expect(200);
      expect(chat.body.activeLeafId).toBe((third[0] as { messageId: string }).messageId);
      expect(chat.body.messages.map((m: { content: string }) => m.content)).toEqual([
        'Q1',
        'A1',
        'Q2',
        'A2',
        'Q3',
        'A3',
      ]);
    },
  );

  it('when a page loads a useChat id, then GET /messages gives its stored active branch as UI messages the ai package accepts, and an edit from them goes beside the question', async () => {
    upstream.script({ chunks: ['A1'] }, { chunks: ['A2'] }, { chunks: ['A2 edited'] });
    const q1 = userMessage('Q1');
    const first = await chunksOf(await send('ui-chat-reload', [q1]));
    await chunksOf(await send('ui-chat-reload', [userMessage('Q2')]));
    const link = await ChatLink.findOne({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-reload',
    }).lean();
    const chatId = String(link!.chatId);
    const stored = await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean();

    const loaded = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-reload/messages')
      .set(user.auth)
      .expect(200);
    const messages = await validateUIMessages<UIMessage>({ messages: loaded.body });
    expect(messages).toEqual(
      stored.map((m) => ({
        id: String(m._id),
        role: m.role,
        parts: [{ type: 'text', text: m.content }],
        metadata: {
          chatId,
          parentId: m.parentId ? String(m.parentId) : null,
          createdAt: m.createdAt.toISOString(),
          status: 'complete',
          stopReason: null,
          siblingIds: [String(m._id)],
        },
      })),
    );
    // The answer's id is the one its stream's start part carried.
    expect(messages[1]!.id).toBe((first[0] as { messageId: string }).messageId);

    // Paged: the newest first, and the Link goes to the older ones.
    const newest = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-reload/messages?limit=3')
      .set(user.auth)
      .expect(200);
    expect(newest.body.map((m: UIMessage) => m.id)).toEqual(messages.slice(1).map((m) => m.id));
    const next = /<([^>]+)>; rel="next"/.exec(newest.headers.link as string)![1]!;
    expect(next).toMatch(/^\/api\/ai-sdk\/chat\/ui-chat-reload\/messages\?limit=3&cursor=/);
    const older = await ctx.request().get(next).set(user.auth).expect(200);
    expect(older.body.map((m: UIMessage) => m.id)).toEqual([messages[0]!.id]);
    expect(older.headers.link).toBeUndefined();
    // A malformed cursor is a 400 on `cursor`, also on an id that names no chat yet.
    for (const id of ['ui-chat-reload', 'never-linked-id']) {
      const bad = await ctx
        .request()
        .get(`/api/ai-sdk/chat/${id}/messages?cursor=abc`)
        .set(user.auth);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('cursor');
    }
    // A well-formed cursor of this chat's pages is not one of an id that names no chat.
    const foreign = await ctx
      .request()
      .get(next.replace('ui-chat-reload', 'never-linked-id'))
      .set(user.auth);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details[0].path).toBe('cursor');

    // The reloaded page edits Q2: useChat sends the loaded messages up to it, the text replaced.
    const q2 = messages[2]!;
    await chunksOf(
      await new DefaultChatTransport<UIMessage>({
        api,
        headers: { Authorization: `Bearer ${user.accessToken}` },
      }).sendMessages({
        chatId: 'ui-chat-reload',
        messages: [
          ...messages.slice(0, 2),
          { ...q2, parts: [{ type: 'text', text: 'Q2 edited' }] },
        ],
        trigger: 'submit-message',
        messageId: q2.id,
        abortSignal: undefined,
      }),
    );
    expect(upstream.requests[2]!.messages).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2 edited' },
    ]);
    const after = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-reload/messages')
      .set(user.auth)
      .expect(200);
    expect(after.body.map((m: UIMessage) => (m.parts[0] as { text: string }).text)).toEqual([
      'Q1',
      'A1',
      'Q2 edited',
      'A2 edited',
    ]);
    expect(after.body[2].metadata.siblingIds).toEqual([q2.id, after.body[2].id]);
  });

  it('when the stored messages are long, then GET /messages ends each page once its text passes PAGE_BYTES_MAX (1mb), and the Link gives the rest', async () => {
    upstream.script({ chunks: ['A1'] }, { chunks: ['A2'] });
    await chunksOf(await send('ui-chat-long', [userMessage('Q1')]));
    await chunksOf(await send('ui-chat-long', [userMessage('Q2')]));
    const link = await ChatLink.findOne({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-long',
    }).lean();
    // Four messages of 600 KB each: two of them pass 1mb together.
    const size = 600_000;
    await Message.updateMany(
      { chatId: link!.chatId },
      { $set: { content: 'x'.repeat(size), bytes: size } },
    );
    const stored = await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean();
    const ids = stored.map((m) => String(m._id));

    const newest = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-long/messages')
      .set(user.auth)
      .buffer(true)
      .expect(200);
    expect(newest.body.map((m: UIMessage) => m.id)).toEqual(ids.slice(2));
    const next = /<([^>]+)>; rel="next"/.exec(newest.headers.link as string)![1]!;
    const older = await ctx.request().get(next).set(user.auth).buffer(true).expect(200);
    expect(older.body.map((m: UIMessage) => m.id)).toEqual(ids.slice(0, 2));
    expect(older.headers.link).toBeUndefined();
  });

  it("when a useChat id has no chat (never sent to, another user's, or its chat deleted), then GET /messages gives none; without a token, 401", async () => {
    const none = (clientId: string, who: TestUser = user) =>
      ctx.request().get(`/api/ai-sdk/chat/${clientId}/messages`).set(who.auth).expect(200);
    expect((await none('ui-chat-never-used')).body).toEqual([]);
    await chunksOf(await send('ui-chat-gone', [userMessage('Soon gone')]));
    // Another user's id of the same name names none of theirs.
    const other = await createUser({ label: 'ai-sdk-other' });
    expect((await none('ui-chat-gone', other)).body).toEqual([]);
    expect((await none('ui-chat-gone')).body).toHaveLength(2);
    const link = await ChatLink.findOne({ clientId: 'ui-chat-gone' }).lean();
    await ctx
      .request()
      .delete(`/api/chats/${String(link!.chatId)}`)
      .set(user.auth)
      .expect(204);
    expect((await none('ui-chat-gone')).body).toEqual([]);
    const anonymous = await fetch(`${api}/ui-chat-gone/messages`);
    expect(anonymous.status).toBe(401);
    const bad = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-gone/messages?limit=0')
      .set(user.auth);
    expectError(bad, 400, 'VALIDATION_FAILED');
    // Longer than any useChat id a send accepts: it names no chat.
    const tooLong = await ctx
      .request()
      .get(`/api/ai-sdk/chat/${'x'.repeat(300)}/messages`)
      .set(user.auth);
    expectError(tooLong, 404, 'NOT_FOUND');
    expect(tooLong.body.error.message).toBe('Chat not found');
  });

  it('when useChat resumes (resume: true, resumeStream), then there is nothing to resume: 204, which the transport reads as no stream; without a token, 401', async () => {
    const transport = new DefaultChatTransport<UIMessage>({
      api,
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    expect(await transport.reconnectToStream({ chatId: 'ui-chat-1' })).toBeNull();
    const anonymous = await fetch(`${api}/ui-chat-1/stream`);
    expect(anonymous.status).toBe(401);
  });

  it('when useChat edits the oldest message of a loaded page of a long chat (nothing before it in its list), then the new question goes beside the stored one, with the history before it', async () => {
    upstream.script(
      { chunks: ['A1'] },
      { chunks: ['A2'] },
      { chunks: ['A3'] },
      { chunks: ['A3 edited'] },
    );
    const q1 = userMessage('Q1');
    const a1 = answerOf(await chunksOf(await send('ui-chat-edit-page', [q1])), 'A1');
    const q2 = userMessage('Q2');
    const a2 = answerOf(await chunksOf(await send('ui-chat-edit-page', [q1, a1, q2])), 'A2');
    await chunksOf(await send('ui-chat-edit-page', [q1, a1, q2, a2, userMessage('Q3')]));
    // The page loads the newest messages only (2 here, standing for 100 of a longer chat).
    const page = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-edit-page/messages?limit=2')
      .set(user.auth)
      .expect(200);
    const q3 = (page.body as UIMessage[])[0]!;
    expect(q3.role).toBe('user');
    // useChat's sendMessage({ text, messageId }) of the first message it holds.
    const transport = new DefaultChatTransport<UIMessage>({
      api,
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    await chunksOf(
      await transport.sendMessages({
        chatId: 'ui-chat-edit-page',
        messages: [{ ...q3, parts: [{ type: 'text', text: 'Q3 edited' }] }],
        trigger: 'submit-message',
        messageId: q3.id,
        abortSignal: undefined,
      }),
    );
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: 'A2' },
      { role: 'user', content: 'Q3 edited' },
    ]);
    const edited = await Message.findOne({ content: 'Q3 edited' }).lean();
    expect(String(edited!.parentId)).toBe(a2.id);
  });

  it('when useChat regenerates a question the user edited (useChat keeps its stored id), then the edited question is answered again, not the text before the edit', async () => {
    upstream.script({ chunks: ['A1'] }, { chunks: ['A1 for edited'] }, { chunks: ['Again'] });
    await chunksOf(await send('ui-chat-regen-edited', [userMessage('Q1 original')]));
    // The page is loaded again: useChat's messages are the stored ones, with their ids.
    const loaded = await ctx
      .request()
      .get('/api/ai-sdk/chat/ui-chat-regen-edited/messages')
      .set(user.auth)
      .expect(200);
    const q1 = (loaded.body as UIMessage[])[0]!;
    const edited: UIMessage = { ...q1, parts: [{ type: 'text', text: 'Q1 edited' }] };
    const transport = new DefaultChatTransport<UIMessage>({
      api,
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    const call = (trigger: 'submit-message' | 'regenerate-message') =>
      transport.sendMessages({
        chatId: 'ui-chat-regen-edited',
        messages: [edited],
        trigger,
        messageId: q1.id,
        abortSignal: undefined,
      });
    // sendMessage({ text, messageId }) replaces Q1 in useChat's list, keeping its id.
    await chunksOf(await call('submit-message'));
    // regenerate({ messageId }) of it.
    await chunksOf(await call('regenerate-message'));
    expect(upstream.requests.at(-1)!.messages).toEqual([{ role: 'user', content: 'Q1 edited' }]);
    const link = await ChatLink.findOne({ clientId: 'ui-chat-regen-edited' }).lean();
    const chat = await ctx
      .request()
      .get(`/api/chats/${String(link!.chatId)}`)
      .set(user.auth);
    expect(chat.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'Q1 edited',
      'Again',
    ]);
  });

  it('when useChat retries a send that stored nothing (regenerate() with that question last), then that question is sent after the answer the page shows, not an older one answered again', async () => {
    upstream.script(
      { chunks: ['First answer'] },
      { chunks: ['Second answer'] },
      { chunks: ['Hi'] },
    );
    const transport = new DefaultChatTransport<UIMessage>({
      api,
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    const retry = (chatId: string, messages: UIMessage[]) =>
      transport.sendMessages({
        chatId,
        messages,
        trigger: 'regenerate-message',
        messageId: undefined,
        abortSignal: undefined,
      });
    const first = userMessage('First question');
    const answer = answerOf(await chunksOf(await send('ui-chat-retry', [first])), 'First answer');
    // The next send was refused before anything was stored (a 429, or lost on the way): useChat
    // keeps it last in its list, and its Retry calls regenerate().
    const second = userMessage('Second question');
    const chunks = await chunksOf(await retry('ui-chat-retry', [first, answer, second]));
    expect(chunks.at(-1)).toMatchObject({ type: 'finish' });
    expect(upstream.requests.at(-1)!.messages).toEqual([
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Second question' },
    ]);
    const link = await ChatLink.findOne({ clientId: 'ui-chat-retry' }).lean();
    const stored = await Message.find({ chatId: link!.chatId }).sort({ createdAt: 1 }).lean();
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'First question'],
      ['assistant', 'First answer'],
      ['user', 'Second question'],
      ['assistant', 'Second answer'],
    ]);
    expect(String(stored[2]!.parentId)).toBe(answer.id);

    // A conversation whose first send stored nothing: Retry makes its chat.
    await chunksOf(await retry('ui-chat-retry-first', [userMessage('Hello?')]));
    const made = await ChatLink.findOne({ clientId: 'ui-chat-retry-first' }).lean();
    expect(await Message.countDocuments({ chatId: made!.chatId })).toBe(2);
  });

  it('when useChat regenerates in a chat with nothing to answer again, then a 400 the transport raises', async () => {
    // The linked chat exists but holds no message yet (an empty chat, as POST /api/chats makes).
    const post = (body: object) =>
      ctx
        .request()
        .post('/api/ai-sdk/chat')
        .set('Authorization', `Bearer ${user.accessToken}`)
        .send(body);
    const empty = await ctx.request().post('/api/chats').set(user.auth).send({}).expect(201);
    await ChatLink.create({
      userId: new Types.ObjectId(user.id),
      clientId: 'ui-chat-empty',
      chatId: new Types.ObjectId(String(empty.body.id)),
      createdAt: new Date(),
    });
    expectError(
      await post({
        id: 'ui-chat-empty',
        messages: [userMessage('x', 'x-id')],
        trigger: 'regenerate-message',
        messageId: 'x-id',
      }),
      400,
      'NOTHING_TO_REGENERATE',
    );
    expect(await Message.countDocuments({ chatId: empty.body.id })).toBe(0);
  });

  it('when the request is refused before streaming, then a JSON error the transport raises, and nothing is stored', async () => {
    const post = (body: object, token = user.accessToken) =>
      ctx.request().post('/api/ai-sdk/chat').set('Authorization', `Bearer ${token}`).send(body);
    const base = { id: 'ui-chat-bad', messages: [userMessage('x')], trigger: 'submit-message' };
    // A useChat id that never sent a message has nothing to regenerate (and gets no chat).
    expectError(
      await post({ ...base, trigger: 'regenerate-message', messageId: 'm1' }),
      400,
      'NOTHING_TO_REGENERATE',
    );
    expectError(
      await post({
        ...base,
        messages: [{ id: 'a', role: 'assistant', parts: [{ type: 'text', text: 'x' }] }],
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await post({
        ...base,
        messages: [{ id: 'f', role: 'user', parts: [{ type: 'file', url: 'x' }] }],
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await post({ ...base, model: 'gpt-nope' }), 400, 'VALIDATION_FAILED');
    expectError(await post({ ...base, unknown: true }), 400, 'VALIDATION_FAILED');
    expectError(
      await post(base, 'sgpt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
      401,
      'UNAUTHENTICATED',
    );
    expect(await ChatLink.countDocuments({ clientId: 'ui-chat-bad' })).toBe(0);

    await expect(send('ui-chat-bad', [userMessage('x')], 'not-a-token')).rejects.toThrow(
      /UNAUTHENTICATED|Send the access token/,
    );
  });
});
