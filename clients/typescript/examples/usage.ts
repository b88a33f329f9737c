/**
 * The typed client as a frontend would use it: compiled with tsc (tsconfig.json here, a strict
 * browser project) and run against a real server by tests/clients/typed-client.test.ts.
 * In an application the import is `from '@sigmagpt/client'`.
 */
import {
  ApiError,
  createClient,
  type Chat,
  type ReplyError,
  type StreamEvent,
} from '../src/index.js';

/** A failed reply's code, as a UI would word it: `code` is a union, so a misspelt case does not compile. */
function describeFailure(code: ReplyError['code']): string {
  switch (code) {
    case 'INTERRUPTED':
      return 'interrupted: send it again';
    case 'UPSTREAM_ERROR':
    case 'UPSTREAM_TIMEOUT':
      return 'the model failed: retry';
    default:
      return code;
  }
}

export async function journey(baseUrl: string, email: string) {
  const api = createClient({ baseUrl });
  const { user } = await api.signup({
    email,
    password: 'correct horse battery staple',
    name: 'Ada',
  });

  // JSON results have one precise type each: no narrowing, no casts.
  const chat: Chat = await api.createChat({ title: 'Trip planning' });
  const sent = await api.sendMessage(chat.id, { content: 'Hello!' });
  const [question, reply] = sent.messages;

  // The same through openapi-fetch, for any route.
  const raw = await api.raw.POST('/api/chats/{id}/messages', {
    params: { path: { id: chat.id } },
    body: { content: 'And then?', stream: false },
  });
  if (raw.error) throw new Error(raw.error.error.code);
  const rawReplyStatus = raw.data.messages.at(-1)?.status;

  // Streaming: typed events, in order.
  let streamed = '';
  const names: StreamEvent['event'][] = [];
  for await (const event of api.stream(chat.id, { content: 'Tell me a story' })) {
    names.push(event.event);
    if (event.event === 'delta') streamed += event.data.content;
    if (event.event === 'done') streamed += ` [${event.data.message.status}]`;
    if (event.event === 'error') streamed += ` [${describeFailure(event.data.error.code)}]`;
    // What the server guarantees is in the types: no hand-narrowing in a strict project.
    if (event.event === 'meta') {
      const asked: 'user' = event.data.userMessage.role;
      const streaming: 'streaming' = event.data.assistantMessage.status;
      void [asked, streaming];
    }
    if (event.event === 'done') {
      const ended: 'complete' | 'incomplete' = event.data.message.status;
      const noError: null = event.data.message.error;
      void [ended, noError];
    }
    if (event.event === 'error') {
      // The failed message carries the error itself (never null there).
      const failed: ReplyError = event.data.message.error;
      void describeFailure(failed.code);
    }
  }
  const answered: 'complete' | 'incomplete' = reply.status;
  const asker: 'user' = question.role;
  void [answered, asker];

  // Stop reading after the first delta. The server goes on for DETACH_GRACE_SECONDS in case a reader
  // comes back, then cuts the reply (stored incomplete); api.stopReply(chat.id) stops it at once.
  const controller = new AbortController();
  let aborted = false;
  try {
    for await (const event of api.stream(
      chat.id,
      { content: 'A long one' },
      { signal: controller.signal },
    )) {
      if (event.event === 'delta') controller.abort();
    }
  } catch (error) {
    aborted = (error as Error).name === 'AbortError';
  }

  // Errors carry the server's stable code.
  let missing: string | undefined;
  try {
    await api.getChat('000000000000000000000000');
  } catch (error) {
    if (error instanceof ApiError) missing = `${error.status} ${error.code}`;
  }

  const models = await api.listModels();
  const page = await api.getChat(chat.id);
  await api.logout();

  // @ts-expect-error -- a field no chat has: the types are precise, not `any`
  void chat.notAField;
  // @ts-expect-error -- a route the API does not have
  void api.raw.GET('/api/nope');
  // @ts-expect-error -- a reply's error code is one of a known set, not any string
  void describeFailure('NOT_A_CODE');
  // @ts-expect-error -- the JSON answer's reply is never one that failed (that is a 502/504)
  void (reply.status === 'error');

  return {
    userEmail: user.email,
    chatId: chat.id,
    roles: [question.role, reply.role],
    replyStatus: reply.status,
    rawReplyStatus,
    names,
    streamed,
    aborted,
    missing,
    defaultModel: models.find((m) => m.default)?.id,
    messageCount: page.messages.length,
  };
}
