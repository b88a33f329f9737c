import { approxTokens } from './history.js';
import type { CompletionRequest, CompletionStream } from './types.js';
import { cutText } from '../text.js';

export const DEMO_MODEL = 'demo';

const REPLY =
  '[Demo model] This is a canned reply from the built-in demo model, not a real AI. ' +
  'SigmaGPT is running without an OPENAI_API_KEY, so replies are simulated to let you try streaming, ' +
  'stopping and storing chats offline. Set OPENAI_API_KEY (and optionally OPENAI_BASE_URL and MODELS) ' +
  'to talk to a real model. You said: ';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The reply's token limit, as a provider reads it: a /v1 caller's own `max_completion_tokens` or
 * `max_tokens` (already capped by MAX_TOKENS), else MAX_TOKENS.
 */
function tokenLimitOf(request: CompletionRequest): number | undefined {
  const params = request.passthrough?.params;
  const asked = params?.max_completion_tokens ?? params?.max_tokens;
  return typeof asked === 'number' ? asked : request.maxTokens;
}

/**
 * A reply's tokens, about four characters each: no per-message framing (approxTokens adds it for
 * the prompt's turns), so an empty reply is 0 tokens and a reply never counts past its limit.
 */
const replyTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * Streams the canned reply word by word at a human pace, stopping at once when aborted or closed
 * (a continue, from where the answer so far ends).
 * Like a provider, it stops at the token limit (tokenLimitOf) with finish reason `length`, so a
 * reply cut by the token limit (and its continuation) can be tried offline.
 */
export function demoCompletion(request: CompletionRequest, delayMs: number): CompletionStream {
  const maxTokens = tokenLimitOf(request);
  let closed = false;
  const stopped = () => closed || request.signal.aborted;
  return {
    answered: Promise.resolve(true),
    close: () => {
      closed = true;
    },
    read: async (handle) => {
      const lastUser =
        [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const echo = lastUser.length > 200 ? `${cutText(lastUser, 200)}…` : lastUser;
      const reply = `${REPLY}“${echo}”`;
      // A continue ends with the answer so far: like a model, the demo goes on from where it was
      // cut rather than starting its reply over.
      const last = request.messages.at(-1);
      const sofar =
        last?.role === 'assistant' && reply.startsWith(last.content) ? last.content : '';
      const words = reply.slice(sofar.length).split(/(?<=\s)/);
      let sent = '';
      let finishReason = 'stop';
      for (const word of words) {
        if (maxTokens !== undefined && replyTokens(sent + word) > maxTokens) {
          finishReason = 'length';
          break;
        }
        await sleep(delayMs, request.signal);
        if (stopped()) return;
        sent += word;
        await handle({ type: 'delta', content: word });
        if (stopped()) return;
      }
      await handle({ type: 'finish', finishReason });
      const promptTokens = request.messages.reduce((sum, m) => sum + approxTokens(m.content), 0);
      const completionTokens = replyTokens(sent);
      await handle({
        type: 'usage',
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
      });
    },
  };
}
