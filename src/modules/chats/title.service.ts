import { config } from '../../lib/config.js';
import { cutText, hasText } from '../../lib/text.js';
import { Types } from '../../lib/db/mongoose.js';
import { logger } from '../../lib/logger.js';
import {
  DEMO_MODEL,
  describeUpstreamFailure,
  streamCompletion,
  type ChatTurn,
  type Usage,
} from '../../lib/llm/index.js';
import { Chat, inChatTurn, type ChatDoc } from './chat.model.js';
import { titleFromMessage } from './chats.service.js';
import { titleFields } from './chats.quota.js';
import type { Exchange } from './exchange.service.js';
import type { MessageDoc } from './message.model.js';
import { mayCallModelFor, recordUsage } from '../usage/index.js';
import { unlinkIfChatGone } from './chats.cleanup.js';
import { acquireLease, markWaiting, releaseLeaseSurely, type Lease } from './generation/leases.js';
import { keepLeaseAlive, stopRenewing } from './generation/lease-renewal.js';
import {
  GenerationAbort,
  offerToYield,
  registerGeneration,
  unregisterGeneration,
  withdrawYieldOffer,
} from './generation/registry.js';
import { titleGivesWay } from './reply-detach.js';
import { finishTakenOver } from './interrupted-replies.js';

const INSTRUCTION =
  'Write a title of at most six words for the conversation below. Reply with the title only: no quotes, no final punctuation.';

/** How much of the question and the answer the title model is shown. */
const EXCERPT_CHARS = 1_500;

/** The model's answer as a title: one line, unquoted, within the title limit; null when it shows nothing. */
export function cleanTitle(text: string): string | null {
  const line = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(title:\s*)/i, '')
    .replace(/^["'“”‘’`*]+|["'“”‘’`*]+$/g, '')
    .replace(/[.!?:;,\s]+$/, '')
    .trim();
  // A title of invisible characters only (a zero-width space, a Hangul filler) would show the
  // chat untitled in the list, and is one the user could not write (NOT_BLANK): none then.
  if (!hasText(line)) return null;
  return titleFromMessage(line);
}

/**
 * Whether this reply is the first of its chat and the chat still has the title taken from its
 * first message (not one the user gave): only then does the model write one.
 */
function wantsTitle(exchange: Exchange, reply: MessageDoc): boolean {
  return (
    config().TITLES === 'on' &&
    exchange.persist !== false &&
    reply.status === 'complete' &&
    exchange.userMessage.parentId === null &&
    exchange.userMessage.role === 'user' &&
    exchange.chat.title === titleFromMessage(exchange.userMessage.content)
  );
}

async function askForTitle(
  chat: ChatDoc,
  model: string,
  turns: ChatTurn[],
  stop: AbortSignal,
  /** When the budget admitted it: the day it is charged to, however late it ends. */
  admittedAt: Date,
): Promise<string | null> {
  const c = config();
  // The demo model would echo its canned reply: its title is made from the question instead.
  if (model === DEMO_MODEL) return cleanTitle(`Demo: ${turns[1]?.content ?? ''}`);
  let text = '';
  let thought = '';
  let usage: Usage | null = null;
  let failed = true;
  try {
    await streamCompletion({
      model,
      messages: turns,
      maxTokens: c.TITLE_MAX_TOKENS,
      signal: AbortSignal.any([stop, AbortSignal.timeout(c.TITLE_TIMEOUT_MS)]),
    }).read((event) => {
      if (event.type === 'delta') text += event.content;
      else if (event.type === 'usage') usage = event.usage;
      // Not the title, but output all the same (charged when the provider reports no usage).
      else if (event.type === 'reasoning') thought += event.content;
    });
    failed = false;
  } finally {
    // The title's tokens count as usage of the chat, whether or not a title came of them.
    const entryId = new Types.ObjectId();
    await recordUsage(
      {
        id: entryId,
        userId: chat.userId,
        chatId: chat._id,
        model,
        kind: 'title',
        prompt: turns,
        completion: text + thought,
        usage,
        // Cut by a stop (the chat or account deleted, the account disabled) is not a failure:
        // its prompt was sent and is charged, as a stopped reply's is.
        failed: failed && !stop.aborted,
        at: admittedAt,
      },
      // Deleted while the title was written (the chat, or the whole account): the deletion
      // unlinked their usage before this entry was recorded, so it is unlinked here.
      { afterRecorded: () => unlinkIfChatGone(entryId, chat._id, chat.userId) },
    );
  }
  return cleanTitle(text);
}

/**
 * After the first reply of a chat: a short title from TITLE_MODEL (default: the chat's model),
 * with a small token cap and a timeout. It replaces the first-message title only if that is
 * still the chat's title (a rename meanwhile wins). Never throws: a failure keeps the old title
 * and is logged. Returns the chat as retitled, or null when nothing changed.
 */
export async function titleAfterReply(
  exchange: Exchange,
  reply: MessageDoc,
  /** The chat as stored once the reply settled: a rename there is kept without asking. */
  stored: ChatDoc = exchange.chat,
): Promise<ChatDoc | null> {
  if (!wantsTitle(exchange, reply)) return null;
  const { chat } = exchange;
  if (stored.title !== chat.title) return null;
  const model = config().TITLE_MODEL || exchange.model;
  // A title is a model call like any other: it holds one of the user's generation slots while it
  // runs and records its tokens before giving it back, as a reply does, so the budget's overshoot
  // bound (README "Budgets") counts it; with every slot busy the chat keeps its first-message
  // title. The demo model calls nothing.
  // Registered as a running generation under it: a stop of the chat's replies (its deletion, the
  // account disabled or signed out) or shutdown cuts the title's call as it cuts a reply's.
  let lease: Lease | null = null;
  const controller = new AbortController();
  let released!: () => void;
  let unlist = () => {};
  if (model !== DEMO_MODEL) {
    // One taken over from an instance that died: its reply is charged before the budget's read.
    // Under the session or key of the reply it names: it stops with that one, as the reply does.
    lease = await acquireLease(
      String(chat.userId),
      String(chat._id),
      new Date(),
      exchange.lease.startedBy,
    )
      .then(finishTakenOver)
      .catch(() => null);
    if (!lease) return null;
    keepLeaseAlive(lease);
    registerGeneration(lease.token, controller);
    // Nobody asked for it: a send of the user that finds every slot busy takes this one, here
    // (yieldWaitingReply) or from another instance (a lease noted waiting is flagged to yield).
    const cut = () => controller.abort(new GenerationAbort('superseded'));
    unlist = titleGivesWay(String(chat.userId), {
      cut,
      released: new Promise<void>((resolve) => (released = resolve)),
    });
    offerToYield(lease.token, cut);
    void markWaiting(lease, new Date()).catch(() => undefined);
  }
  try {
    // None once the account's daily budget is used up (by the reply just stored, say) or the
    // account was disabled meanwhile: read under the slot.
    const admittedAt = new Date();
    if (!(await mayCallModelFor(String(chat.userId), admittedAt))) return null;
    const title = await askForTitle(
      chat,
      model,
      [
        { role: 'system', content: INSTRUCTION },
        { role: 'user', content: cutText(exchange.userMessage.content, EXCERPT_CHARS) },
        { role: 'assistant', content: cutText(reply.content, EXCERPT_CHARS) },
      ],
      controller.signal,
      admittedAt,
    );
    if (!title || title === chat.title) return null;
    const fields = titleFields(title);
    const result = await inChatTurn(chat._id, () =>
      Chat.updateOne(
        { _id: chat._id, userId: chat.userId, title: chat.title },
        { $set: fields },
        { timestamps: false },
      ),
    );
    if (result.matchedCount === 0) return null;
    return { ...stored, ...fields };
  } catch (error) {
    // A provider's error message may echo the request (its Authorization header, the prompt):
    // logged as any model call's failure is, by status, code and request id only.
    logger.warn(
      { err: describeUpstreamFailure(error), chatId: String(chat._id) },
      'could not write a title; the chat keeps its first-message title',
    );
    return null;
  } finally {
    if (lease) {
      unlist();
      withdrawYieldOffer(lease.token);
      const settled = unregisterGeneration(lease.token, String(chat.userId));
      stopRenewing(lease);
      await releaseLeaseSurely(lease);
      settled();
      released();
    }
  }
}
