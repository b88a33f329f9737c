import { config } from '../../lib/config.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import type { Credential } from '../../lib/http/request-auth.js';
import { answerSoFar, fitToBudget } from '../../lib/llm/index.js';
import { turnsOf } from './branch.service.js';
import { Tree, withContent, type Node } from './branch.tree.js';
import { Chat, inChatTurn, type ChatDoc } from './chat.model.js';
import { CLEAR_CONTEXT } from './chat-context.js';
import {
  chatStillOwned,
  forgetRemovedMessages,
  messageStillThere,
  removeLeftovers,
} from './chats.cleanup.js';
import { findOwnedChat } from './chats.service.js';
import { ExchangeLimits } from './exchange.limits.js';
import { takeBack, takeBackIfCut } from '../../lib/db/insert.js';
import { takeBackExchange, type Exchange } from './exchange.service.js';
import { releaseLeaseSurely, type Lease } from './generation/leases.js';
import { inAnswerTurn, insertMessages, Message, type MessageDoc } from './message.model.js';
import { forgetEarlierReaders } from './reply-reader.model.js';

/**
 * Exchanges that answer an existing message again (regenerate) or carry on an answer (continue).
 * They go through the same gates as sending: the per-minute rate, a generation slot (its lease),
 * the daily token budget, the storage caps; the reply is then run by reply.service like any other, so streaming, JSON,
 * checkpoints, stop and resume all behave the same.
 */

/** Rate, slot, budget and caps, then `work` holding the slot; the slot is given back if `work` fails. */
async function withSlot(
  userId: string,
  startedBy: Credential,
  chat: ChatDoc,
  room: { messages: number },
  work: (lease: Lease, now: Date) => Promise<Exchange>,
): Promise<Exchange> {
  const now = new Date();
  const limits = new ExchangeLimits(userId, now, startedBy);
  // They store a reply: refused, as a send is, once the user's stored text is at its cap.
  const check = () => limits.check({ messages: room.messages, reply: true });
  const { lease } = await limits.admit(String(chat._id), { checkBeforeCut: check });
  try {
    // Under the slot, as for sending (exchange.service.ts, README "Budgets").
    await check();
    return await work(lease, now);
  } catch (error) {
    // Most of what fails here fails before the answer is stored; a later failure is counted
    // again by the next count (STORAGE_RECOUNT_SECONDS).
    limits.giveRoomBackUnstored();
    await releaseLeaseSurely(lease);
    throw error;
  }
}

const streaming = () =>
  new AppError(
    'MESSAGE_STREAMING',
    'That reply is still being generated; wait for it to end or stop it first',
  );

/** The message (and its tree) of the chat, or 404 — also for another chat's or user's message. */
async function messageOf(chat: ChatDoc, messageId: string): Promise<{ tree: Tree; node: Node }> {
  const tree = await Tree.load(chat._id);
  const node = tree.get(messageId);
  if (!node) throw notFound('Message');
  return { tree, node };
}

/**
 * The message an answer answers, by its id when the tree does not hold it: the tree holds the
 * newest MAX_TREE_MESSAGES only, and an answer at its edge has its question past it.
 */
async function questionOf(tree: Tree, answer: Node): Promise<Node | null | undefined> {
  if (!answer.parentId) return undefined;
  return (
    tree.get(answer.parentId) ??
    Message.findById(answer.parentId, {
      parentId: 1,
      role: 1,
      status: 1,
      createdAt: 1,
    }).lean<Node>()
  );
}

/**
 * Regenerate and continue take the long way (the tree): they clear the turns kept for the next
 * send (chat-context.ts), which then reads the tree, with the new or longer answer, once.
 */
async function moveActiveLeaf(chat: ChatDoc, leafId: Types.ObjectId, now: Date) {
  await inChatTurn(chat._id, () =>
    Chat.updateOne(
      { _id: chat._id },
      { $set: { activeLeafId: leafId, updatedAt: now }, $unset: CLEAR_CONTEXT },
      { timestamps: false },
    ),
  );
  return { ...chat, activeLeafId: leafId, updatedAt: now, context: null };
}

/**
 * What a regenerate's Idempotency-Key names (idempotency.model.ts): the new answer, its id chosen
 * before it is stored, so a repeat finds it, and waits for it, as a repeated send does.
 */
export const regenerateIds = (chatId: ObjectIdString) => ({
  chatId: new Types.ObjectId(chatId),
  replyId: new Types.ObjectId(),
});

/**
 * What a continue's Idempotency-Key names: the answer it carries on, since that is what its
 * request answers with (the same message, longer) and what a repeat must stream or return. It
 * existed before the request, so its existence proves nothing: the record is marked `appends`, and
 * the request marks it again once it has claimed the answer (exchangeOnce), with the length of
 * its text then, where the stream of the continue, and of a repeat, starts. (The continue's own
 * model-call id cannot serve: it is stored only once the call ends, in the usage ledger.)
 */
export const continueIds = (chatId: ObjectIdString, answerId: ObjectIdString) => ({
  chatId: new Types.ObjectId(chatId),
  replyId: new Types.ObjectId(answerId),
  appends: true,
});

/**
 * A new answer to a user message, as a sibling of its other answers: `messageId` is the user
 * message or one of its answers. The model is given the branch up to that user message.
 * `replyId`: the new answer's id, when it was chosen before (an Idempotency-Key names it).
 */
export async function beginRegenerate(
  userId: string,
  /** The session or API key it is asked with: its reply stops when that one ends. */
  startedBy: Credential,
  chatId: ObjectIdString,
  messageId: string,
  input: { model?: string },
  replyId = new Types.ObjectId(),
): Promise<Exchange> {
  const chat = await findOwnedChat(userId, chatId);
  const { tree, node } = await messageOf(chat, messageId);
  const question = node.role === 'user' ? node : await questionOf(tree, node);
  if (!question || question.role !== 'user')
    throw new AppError('NOTHING_TO_REGENERATE', 'That message answers no user message');
  return withSlot(userId, startedBy, chat, { messages: 1 }, async (lease, now) => {
    // A question past the tree window is all of its branch the model can be given.
    const path = tree.get(question._id) ? tree.pathTo(question._id) : [question];
    const [[userMessage], history] = await Promise.all([withContent([question]), turnsOf(path)]);
    const model = input.model ?? chat.model;
    const [assistant] = (await takeBackIfCut(
      insertMessages([
        {
          _id: replyId,
          chatId: chat._id,
          userId: chat.userId,
          parentId: question._id,
          role: 'assistant',
          content: '',
          bytes: 0,
          status: 'streaming',
          model,
          createdAt: now,
          // Its call goes out once this is stored (runGeneration): until then, none was made.
          lease: { slot: lease.slot, token: lease.token, at: now, unsent: true },
        },
      ]),
      // Taken back as below, or a repeat with the key would find it and answer with an empty
      // interrupted answer the model was never asked for.
      () => takeBackExchange(chat._id, [replyId]).catch(() => undefined),
    )) as [MessageDoc];
    try {
      if (!(await chatStillOwned(chat.userId, chat._id))) {
        await removeLeftovers(chat.userId, chat._id);
        throw notFound('Chat');
      }
      const moved = await moveActiveLeaf(chat, replyId, now);
      // Its question deleted with its branch while this was stored: as for a send
      // (exchange.service.ts).
      if (!(await messageStillThere(question._id))) {
        await takeBackExchange(chat._id, [replyId]);
        throw notFound('Message');
      }
      const turns = fitToBudget(chat.systemPrompt, history, config().HISTORY_TOKEN_BUDGET);
      return { chat: moved, userMessage: userMessage!, assistant, lease, model, turns };
    } catch (error) {
      // Stored, then a later step failed (the database away): the new answer is taken back
      // before its slot is given back, as a send's is (exchange.service.ts). Left, it would
      // stay empty and be finished as interrupted, a sibling the user never got. Best effort:
      // one that stays was never sent to the model, and is not charged (interrupted-replies.ts).
      if (!(error instanceof AppError && error.code === 'NOT_FOUND'))
        await takeBackExchange(chat._id, [replyId]).catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Carries on an answer that was cut (stopped, interrupted, or the token limit): the model is given
 * the branch with that partial answer last, and what it writes is appended to the same message.
 */
export async function beginContinue(
  userId: string,
  startedBy: Credential,
  chatId: ObjectIdString,
  messageId: string,
): Promise<Exchange> {
  const chat = await findOwnedChat(userId, chatId);
  const { tree, node } = await messageOf(chat, messageId);
  if (node.role !== 'assistant')
    throw new AppError('NOT_CONTINUABLE', 'Only an answer can be continued, not a user message');
  if (node.status === 'streaming') throw streaming();
  return withSlot(userId, startedBy, chat, { messages: 0 }, async (lease, now) => {
    const path = tree.pathTo(node._id);
    // Its question by its id, not from the path: the tree holds the newest MAX_TREE_MESSAGES only,
    // and an answer at its edge has its question past it.
    const [[answer], question, history] = await Promise.all([
      withContent([node]),
      node.parentId
        ? Message.findById(node.parentId, { terms: 0 }).lean<MessageDoc>()
        : Promise.resolve(null),
      turnsOf(path),
    ]);
    if (!answer || question?.role !== 'user') throw notFound('Message');
    const cut = answer.status === 'incomplete' || answer.finishReason === 'length';
    if (answer.status === 'error' || !cut)
      throw new AppError(
        'REPLY_NOT_CONTINUABLE',
        'Only an answer that was cut off (incomplete, or stopped by the token limit) can be continued',
      );
    // A reasoning model whose token limit ran out while it was still thinking wrote no text: its
    // thinking is not kept, so a continue would have nothing to go on from.
    if (answer.content.length === 0)
      throw new AppError(
        'REPLY_NOT_CONTINUABLE',
        'The answer was cut off before it had any text, so there is nothing to continue: regenerate it',
      );
    // At the cap, or one unit short of it (the cap fell inside a character of two): nothing fits.
    if (answer.content.length >= config().MAX_REPLY_CHARS - 1)
      throw new AppError(
        'REPLY_NOT_CONTINUABLE',
        'The answer is as long as a reply may be (MAX_REPLY_CHARS): it cannot grow',
      );
    // Each continue is a model call of its own in the usage ledger, though it writes into an
    // answer whose id already names the call that began it. Its id goes on the answer's lease with
    // where it began, so the sweep can charge what it added if this instance dies meanwhile.
    const callId = new Types.ObjectId();
    const held = {
      slot: lease.slot,
      token: lease.token,
      callId,
      from: answer.content.length,
      at: now,
      // Its call goes out once this is claimed (runGeneration): until then, none was made.
      unsent: true,
    };
    // The answer as the continue holds it, stored and in hand alike.
    const claim = {
      status: 'streaming',
      finishReason: null,
      error: null,
      stopReason: null,
      lease: held,
    } as const;
    // Claimed only while it is still in the state just read: a continue already running (or a
    // finished one that changed it) makes this one a 409, not a second writer. In turn: where the
    // server runs a filtered update as a read and then a write, two claims at once both matched.
    // Claimed, then a later step failed (the database away): the answer is given back as it
    // was before its slot is, still one to continue. Left claimed, it would stay `streaming`
    // under a lease given back (every continue a 409 until the sweep finished it as
    // interrupted, its stop or its length cut lost). Tried again while the database stays away
    // (the same outage usually fails the first try); one that stays claimed all the same was
    // never sent to the model, and is not charged (interrupted-replies.ts).
    const giveBack = () =>
      takeBack('a continued answer', () =>
        inAnswerTurn(answer._id, () =>
          Message.collection.updateOne(
            { _id: answer._id, status: 'streaming', 'lease.token': lease.token },
            {
              $set: {
                status: answer.status,
                finishReason: answer.finishReason,
                error: answer.error,
                stopReason: answer.stopReason ?? null,
                lease: answer.lease ?? null,
              },
            },
          ),
        ),
      );
    let claimed: { matchedCount: number };
    try {
      claimed = await inAnswerTurn(answer._id, () =>
        Message.collection.updateOne(
          { _id: answer._id, status: answer.status, content: answer.content },
          { $set: claim },
        ),
      );
    } catch (error) {
      // Its answer lost on the way back: the claim may have landed all the same.
      await giveBack();
      throw error;
    }
    if (claimed.matchedCount === 0)
      // Deleted with its branch since it was read, or changed by a continue running meanwhile.
      throw (await messageStillThere(answer._id)) ? streaming() : notFound('Message');
    let moved: ChatDoc;
    try {
      [moved] = await Promise.all([
        moveActiveLeaf(chat, answer._id, now),
        forgetEarlierReaders(answer._id),
      ]);
      // Deleted with its branch after the claim: the branch must not point at it, and no model
      // call goes out for it (as a regenerate's question, above). Either this sees it gone, or
      // the deletion's last look at the chat's pointer sees this write (branch-edit.service.ts).
      if (!(await messageStillThere(answer._id))) {
        await forgetRemovedMessages(chat._id, [answer._id]);
        throw notFound('Message');
      }
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NOT_FOUND')) await giveBack();
      throw error;
    }
    const model = answer.model ?? chat.model;
    const budget = config().HISTORY_TOKEN_BUDGET;
    const sofar = history.at(-1);
    if (sofar?.role === 'assistant') sofar.content = answerSoFar(sofar.content, budget);
    const turns = fitToBudget(chat.systemPrompt, history, budget);
    const assistant: MessageDoc = { ...answer, ...claim };
    return { chat: moved, userMessage: question, assistant, lease, model, turns, callId };
  });
}

/** The question a client shows after `shownAfter` with `shownText`, by what it shows (see below). */
async function shownQuestion(
  tree: Tree,
  input: { shownText?: string; shownAfter?: string | null },
): Promise<Node | undefined> {
  if (input.shownText === undefined || input.shownAfter === undefined) return undefined;
  if (input.shownAfter !== null && !tree.get(input.shownAfter)) return undefined;
  const questions = tree.childrenOf(input.shownAfter).filter((n) => n.role === 'user');
  const shown = (await withContent(questions)).filter((m) => m.content === input.shownText);
  const newest = shown.at(-1);
  return newest ? tree.get(newest._id) : undefined;
}

/**
 * Regenerate for clients that do not name a stored message reliably (the AI SDK's useChat):
 * `messageId` when it is one of the chat's messages; a question the client names by an id of its
 * own, by its text after the stored answer the client shows before it (`shownQuestion`);
 * otherwise the end of the active branch — the question of its last answer, or a user message
 * left without one. An empty chat has nothing to answer again.
 */
export async function beginRegenerateLatest(
  userId: string,
  startedBy: Credential,
  chatId: ObjectIdString,
  input: {
    messageId?: string | null;
    model?: string;
    /**
     * The text the client shows for `messageId`. useChat keeps a question's stored id when the
     * user edits it (the edit is stored beside it, with an id of its own): a question whose stored
     * text is not this one was edited, and the branch's latest question is the one to answer.
     */
    shownText?: string;
    /**
     * With `shownText`, for a question named by an id only the client knows (useChat's ids for
     * the questions it sent): the stored answer the client shows before it, or null when it shows
     * it first. The question it names is the one of that text there, the newest of them.
     */
    shownAfter?: string | null;
  },
): Promise<Exchange> {
  const chat = await findOwnedChat(userId, chatId);
  const tree = await Tree.load(chat._id);
  const named = tree.get(input.messageId) ?? (await shownQuestion(tree, input));
  const edited =
    named?.role === 'user' &&
    input.shownText !== undefined &&
    (await withContent([named]))[0]?.content !== input.shownText;
  const target = (edited ? undefined : named) ?? tree.activeLeaf(chat);
  if (!target)
    throw new AppError('NOTHING_TO_REGENERATE', 'The chat has no message to answer again');
  return beginRegenerate(userId, startedBy, chatId, String(target._id), { model: input.model });
}
