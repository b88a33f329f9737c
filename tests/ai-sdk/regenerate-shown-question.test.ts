import {
  AbstractChat,
  DefaultChatTransport,
  type ChatState,
  type ChatStatus,
  type UIMessage,
} from 'ai';
import { describe, expect, it } from 'vitest';
import { NO_TIGHT_LIMITS } from '../helpers/auth.js';
import { useChatApp } from '../helpers/chat-app.js';

const ctx = useChatApp({ ...NO_TIGHT_LIMITS, MODELS: 'test-model,demo', DEMO_CHUNK_DELAY_MS: '0' });

class State implements ChatState<UIMessage> {
  status: ChatStatus = 'ready';
  error: Error | undefined;
  messages: UIMessage[] = [];
  constructor(initial: UIMessage[] = []) {
    this.messages = initial;
  }
  pushMessage = (m: UIMessage) => void (this.messages = [...this.messages, m]);
  popMessage = () => void (this.messages = this.messages.slice(0, -1));
  replaceMessage = (i: number, m: UIMessage) => {
    this.messages = [...this.messages];
    this.messages[i] = m;
  };
  snapshot = <T>(t: T): T => structuredClone(t);
}
class Chat extends AbstractChat<UIMessage> {
  constructor(id: string, initial: UIMessage[] = [], prepare = false) {
    super({
      id,
      state: new State(initial),
      transport: new DefaultChatTransport({
        api: `http://127.0.0.1:${ctx.server.port}/api/ai-sdk/chat`,
        headers: () => ({ Authorization: `Bearer ${ctx.user.accessToken}` }),
        ...(prepare
          ? {
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
            }
          : {}),
      }),
    });
  }
}
const texts = (c: Chat) =>
  c.messages.map(
    (m) => `${m.role}:${m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')}`,
  );

/*
 * useChat's regenerate({ messageId }) of a question it sent in this session names it by an id only
 * the browser knows; useChat then shows that question followed by the new answer. The server must
 * answer that question (the one shown after the stored answer before it), not the chat's latest.
 */
describe('useChat regenerate of an older question of the session', () => {
  for (const prepare of [false, true]) {
    it(`when useChat regenerates its first question after a second exchange (README transport: ${prepare}), then that question is answered again, from its own history`, async () => {
      const chat = new Chat(`regen-shown-${prepare}`, [], prepare);
      ctx.upstream.script(
        { chunks: ['A1'] },
        { chunks: ['A2'] },
        { chunks: ['A1b'] },
        { chunks: ['A3'] },
      );
      await chat.sendMessage({ text: 'Q1' });
      await chat.sendMessage({ text: 'Q2' });
      await chat.regenerate({ messageId: chat.messages[0]!.id });
      expect(chat.status, String(chat.error)).toBe('ready');
      expect(texts(chat)).toEqual(['user:Q1', 'assistant:A1b']);
      expect(ctx.upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['Q1']);
      // The page and the server go on with the same conversation.
      await chat.sendMessage({ text: 'Q3' });
      expect(ctx.upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual([
        'Q1',
        'A1b',
        'Q3',
      ]);
    });

    it(`when useChat regenerates a middle question of the session (README transport: ${prepare}), then that question is answered again after the answer shown before it`, async () => {
      const chat = new Chat(`regen-shown-mid-${prepare}`, [], prepare);
      ctx.upstream.script(
        { chunks: ['A1'] },
        { chunks: ['A2'] },
        { chunks: ['A3'] },
        { chunks: ['A2b'] },
      );
      await chat.sendMessage({ text: 'Q1' });
      await chat.sendMessage({ text: 'Q2' });
      await chat.sendMessage({ text: 'Q3' });
      await chat.regenerate({ messageId: chat.messages[2]!.id });
      expect(texts(chat)).toEqual(['user:Q1', 'assistant:A1', 'user:Q2', 'assistant:A2b']);
      expect(ctx.upstream.requests.at(-1)!.messages.map((m) => m.content)).toEqual([
        'Q1',
        'A1',
        'Q2',
      ]);
    });
  }
});
