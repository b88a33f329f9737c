import { config } from '../../lib/config.js';
import { serverProjectsModifiedDocuments } from '../../lib/db/connection.js';
import { takeBackIfCut } from '../../lib/db/insert.js';
import { Types } from '../../lib/db/mongoose.js';
import { retryIdempotentWrite, retryWhileDatabaseAway } from '../../lib/db/write-lock-retry.js';
import { AppError, notFound, serviceUnavailable } from '../../lib/errors.js';
import type { ObjectIdString } from '../../lib/http/ids.js';
import type { Credential } from '../../lib/http/request-auth.js';
import { releaseLeaseSurely, type Lease } from './generation/leases.js';
import {
  abandonCompletion,
  afterRequestLeaves,
  startCompletion,
  type StartedCompletion,
} from './generation/started-completion.js';
import { logger } from '../../lib/logger.js';
import { fitToBudget, type ChatTurn } from '../../lib/llm/index.js';
import type { CompletionRequest } from '../../lib/llm/types.js';
import { Chat, inChatTurn, type ChatContext, type ChatDoc } from './chat.model.js';
import { CLEAR_CONTEXT, pendingContext, settleChatOf, storedHistory } from './chat-context.js';
import { deletionsBegunWhenRead, unchangedSince } from './branch-deletions.js';
import {
  createChat,
  DEFAULT_CHAT_TITLE,
  findOwnedChat,
  nameAfterFirstMessage,
  newChatBytes,
  titleFromMessage,
  type NewChat,
} from './chats.service.js';
import { branchedAfter, historyFor } from './branch.service.js';
import {
  chatStillOwned,
  forgetRemovedMessages,
  messageStillThere,
  removeLeftovers,
  removeUnfinishedChat,
} from './chats.cleanup.js';
import { countStoredReply, keptCountDue, textBytes, titleFields } from './chats.quota.js';
import { admitExchange, ExchangeLimits } from './exchange.limits.js';
import { deleteMessages } from './message-removal.js';
import {
  inAnswerTurn,
  insertMessages,
  Message,
  ownReply,
  type MessageDoc,
  type NewMessageDoc,
} from './message.model.js';
import { searchKeys } from './search-terms.js';
import { assertAccountActive, assertWithinBudget, effectiveLimit } from '../usage/index.js';
import { knownAccount, noteAccount } from './known-accounts.js';
import { findAccount, type Account } from '../users/index.js';

/** Everything stored and decided before the model is called. */
export interface Exchange {
  chat: ChatDoc;
  userMessage: MessageDoc;
  /** The reply as it will be stored; `status: streaming` until the generation ends. */
  assistant: MessageDoc;
  lease: Lease;
  model: string;
  turns: ChatTurn[];
  /** Sent upstream instead of `turns` and added to the request (OpenAI-compatible callers). */
  passthrough?: CompletionRequest['passthrough'];
  /** false: nothing is stored (the reply is only relayed); the default stores the reply. */
  persist?: boolean;
  /** The model call's id in the usage ledger; absent: the reply's id (a continue has its own). */
  callId?: Types.ObjectId;
  /** The chat's context as this exchange left it, pending its reply (chat-context.ts). */
  context?: ChatContext;
  /** Its model call, already sent while the messages were stored (started-completion.ts). */
  completion?: StartedCompletion;
  /**
   * A stream's plain send answers once its messages are stored, and writes its chat beside the
   * reply's first events (`lastMessageAt`, the kept turns, the active leaf), then checks that the
   * message it answers is still there: so the model's first token never waits for those two
   * round trips (bench/README.md, "Figure 2: the exchange's last writes"). Resolves once both are
   * done; rejects (NOT_FOUND) once the exchange was taken back, its chat or its branch deleted
   * meanwhile: the reply then stops, and its final write finds it gone (generation.runner.ts).
   */
  chatWritten?: Promise<void>;
}

export type ExchangeTarget = { chatId: ObjectIdString } | { newChat: NewChat };

/** Ids chosen before the exchange is stored, so an idempotency key can name them up front. */
export interface ExchangeIds {
  chatId: Types.ObjectId;
  userMessageId: Types.ObjectId;
  replyId: Types.ObjectId;
}

/** Fresh ids; the chat's own when the message goes to an existing chat (`target`). */
export const plannedIds = (target?: ExchangeTarget): ExchangeIds => ({
  chatId:
    target && 'chatId' in target && Types.ObjectId.isValid(target.chatId)
      ? new Types.ObjectId(target.chatId)
      : new Types.ObjectId(),
  userMessageId: new Types.ObjectId(),
  replyId: new Types.ObjectId(),
});

/**
 * Validates ownership, checks the limits before anything is stored, then stores the user message
 * and the reply, `streaming` and empty, in one write. A new chat is only created once the limits
 * have let the message through. The limits are checked before the model is called too, but for a
 * plain send to a chat it has (`startModel`, a `chatId`): its storage count when one is due and
 * its account's read under the slot (storeUnderActiveAccount) come once its call is out, and a
 * refusal drops the call.
 */
export async function beginExchange(
  userId: string,
  /** The session or API key the message came with: its reply stops when that one ends. */
  startedBy: Credential,
  target: ExchangeTarget,
  /**
   * `parentId`: where the message goes in the tree (branch.service historyFor); absent: the active
   * leaf. `orActiveLeaf`: a parent no longer in the chat is the active leaf instead of a 404.
   */
  input: { content: string; model?: string; parentId?: string | null; orActiveLeaf?: boolean },
  ids: ExchangeIds = plannedIds(),
  /**
   * `startModel`: sends the model call while the messages are stored (the caller keeps `turns` as
   * they are). `answerEarly`: a streamed answer, which may start before the chat is written.
   */
  { startModel = false, answerEarly = false }: { startModel?: boolean; answerEarly?: boolean } = {},
): Promise<Exchange> {
  // The message is counted and stamped at one instant, so it lands in the same rate window
  // that admitted it, however long the steps in between take.
  const now = new Date();
  // A plain send to a chat it has (the hot path) checks its limits with the account as the user's
  // last send here found it (known-accounts.ts), or else reads it beside them (one round trip less
  // than before them). It reads it under the slot while the model answers
  // (storeUnderActiveAccount), which is what disabling an account and a changed budget rely on.
  const accountEarly = startModel && 'chatId' in target;
  const known = accountEarly ? knownAccount(userId) : undefined;
  /** The account the budget is checked with; undefined: the check reads it (assertWithinBudget). */
  let account: Account | null | undefined = known;
  let accountIsKnown = known !== undefined;
  const readAccountAfresh = async () => {
    account = await findAccount(userId);
    accountIsKnown = false;
    noteAccount(userId, account);
  };
  const limits = new ExchangeLimits(userId, now, startedBy);
  const checkLimits = async (adding: Parameters<ExchangeLimits['check']>[0]) => {
    try {
      // A known account's refusal counts once a fresh read confirms it.
      await limits.check(adding, account, { refusalCounted: !accountIsKnown });
    } catch (error) {
      // A known account's budget refused: an administrator may have raised it since.
      if (!accountIsKnown || !(error instanceof AppError && error.code === 'QUOTA_EXCEEDED'))
        throw error;
      await readAccountAfresh();
      await limits.check(adding, account);
    }
  };
  const newChatOf = (existing: ChatDoc | null) =>
    existing ? null : (target as { newChat: NewChat }).newChat;
  const addingTo = (newChat: NewChat | null) => ({
    chats: newChat ? 1 : 0,
    messages: 2,
    bytes: textBytes(input.content) + (newChat ? newChatBytes(newChat, input.content) : 0),
  });
  const {
    lease,
    found: [existing, accountRead],
  } = await limits.admit('chatId' in target ? target.chatId : String(ids.chatId), {
    read: Promise.all([
      'chatId' in target ? findOwnedChat(userId, target.chatId) : null,
      accountEarly && !known ? findAccount(userId) : undefined,
    ]),
    checkBeforeCut: async ([found, foundAccount]) => {
      // A reply is cut for this send only once the account as it is now lets the send through:
      // the read under the slot would come too late for the reply cut.
      if (accountIsKnown) await readAccountAfresh();
      else if (!known) account = foundAccount;
      await checkLimits(addingTo(newChatOf(found)));
    },
  });
  if (!known) account = accountRead;
  const chatId = existing?._id ?? ids.chatId;
  let completion: StartedCompletion | undefined;
  // Until then a failure or refusal stored nothing, and gives back the room its limits took.
  let messagesStored = false;
  /** The chat this send created (a new chat's first message), until its messages are kept. */
  let created: ChatDoc | null = null;
  try {
    const newChat = newChatOf(existing);
    // A plain send takes the turns kept on the chat; anything else (or a context that is gone or
    // pending) reads the message tree (chat-context.ts). That read goes out beside the budget and
    // storage checks (all three only read), and a refusal of theirs still answers first.
    const branchRead = existing
      ? (storedHistory(existing, input.parentId) ??
        historyFor(existing, input.parentId, { orActiveLeaf: input.orActiveLeaf }))
      : null;
    if (branchRead instanceof Promise) branchRead.catch(() => undefined);
    const adding = addingTo(newChat);
    // The storage count, when due, groups every message of the user: a plain send makes it once
    // its model call is out, before storing, rather than before the call (chats.quota.ts). Only
    // a count that is kept: where every write counts, a user at a cap would have every send call
    // the model only to drop it.
    const countAfterCall = accountEarly && keptCountDue(userId);
    await checkLimits(countAfterCall ? null : adding);
    let history: ChatTurn[] = [];
    let parentId: Types.ObjectId | null = null;
    let context: ChatContext | null;
    // The kept turns name the message this send answers: when no branch deletion has begun by
    // the chat's write, that message needs no read (branch-deletions.ts).
    const deletionsSeen =
      existing && branchRead && !(branchRead instanceof Promise)
        ? deletionsBegunWhenRead(existing)
        : null;
    if (branchRead) {
      const branch = await branchRead;
      history = branch.turns;
      parentId = branch.parentId;
      // A history holding a reply still streaming is not kept: its text is not final.
      context = branch.settled ? pendingContext(history, input.content, ids.replyId) : null;
    } else {
      context = pendingContext([], input.content, ids.replyId);
    }
    // A new chat is written first; an existing one has nothing written before the model call.
    if (!existing) {
      const createdAt = new Date();
      created = await takeBackIfCut(
        createChat(
          userId,
          newChat!,
          input.content,
          chatId,
          context ?? undefined,
          undefined,
          createdAt,
        ),
        () => {
          // Removed below as an unfinished chat (by its id and creation time: not a repeat's
          // chat of that id).
          created = { _id: chatId, createdAt } as ChatDoc;
        },
      );
    }
    const chat = existing ?? created!;
    const model = input.model ?? chat.model;
    const turns = fitToBudget(
      chat.systemPrompt,
      [...history, { role: 'user', content: input.content }],
      config().HISTORY_TOKEN_BUDGET,
    );
    if (startModel) {
      completion = startCompletion({ model, turns });
      // Writes begun now would run their CPU before the request is written and hold it back by
      // about as long again.
      await afterRequestLeaves(completion);
    }
    // A refusal drops the call below (abandonCompletion), before any of it is read.
    if (countAfterCall) await limits.takeRoom(adding);
    const userMessage: NewMessageDoc = {
      _id: ids.userMessageId,
      chatId,
      userId: chat.userId,
      parentId,
      role: 'user',
      content: input.content,
      bytes: textBytes(input.content),
      status: 'complete',
      createdAt: now,
    };
    const assistantDoc: NewMessageDoc = {
      ...userMessage,
      _id: ids.replyId,
      parentId: userMessage._id,
      role: 'assistant',
      content: '',
      // Counted once finished (storeReply); until then its size is what may pass the byte cap.
      bytes: 0,
      status: 'streaming',
      model,
      createdAt: new Date(Math.max(Date.now(), now.getTime() + 1)),
      lease: { slot: lease.slot, token: lease.token, at: now },
    };
    const [storedUser, assistant] = (await takeBackIfCut(
      accountEarly
        ? storeUnderActiveAccount(userId, [userMessage, assistantDoc], {
            now,
            checkedLimit: effectiveLimit(account?.tokenBudgetPerDay),
          })
        : insertMessages([userMessage, assistantDoc]),
      () => {
        // Taken back below as a stored exchange would be (a removal of what is not there is
        // harmless).
        messagesStored = true;
      },
    )) as [MessageDoc, MessageDoc];
    messagesStored = true;
    const exchangeOf = (stored: ChatDoc, chatWritten?: Promise<void>): Exchange => ({
      chat: withoutTerms(stored),
      userMessage: withoutTerms(storedUser),
      assistant: withoutTerms(assistant),
      lease,
      model,
      turns,
      context: context ?? undefined,
      completion,
      ...(chatWritten ? { chatWritten } : {}),
    });
    const takeBack = () => takeBackExchange(chatId, [ids.userMessageId, ids.replyId]);
    if (!existing) {
      if (!(await chatStillOwned(chat.userId, chatId))) {
        // The chat (or the account) deleted while this was being stored: take back what was written.
        await removeLeftovers(chat.userId, chatId);
        throw notFound('Chat');
      }
      await checkParentStillThere(parentId, takeBack);
      return exchangeOf(chat);
    }
    // A chat created empty is named after its first message, as one created with a message is,
    // in a write of its own that applies only to the default title (nameAfterFirstMessage): a
    // rename made while this send was under way stays. Any other send leaves the title alone.
    const naming =
      parentId === null && chat.title === DEFAULT_CHAT_TITLE
        ? titleFields(titleFromMessage(input.content))
        : null;
    // A chat that never branched keeps no pointer: its branch is its newest message (branch.tree.ts).
    const leaf = branchedAfter(chat, input.parentId, ids.replyId);
    const written = writeChatAfterMessages(chat, leaf, {
      now,
      context,
      naming,
      parentId,
      deletionsSeen,
      takeBack,
      lease,
    });
    if (answerEarly && !naming) {
      // Its stream starts once its messages are stored; the chat's write and the check after it
      // go on beside the reply's first events (Exchange.chatWritten).
      const chatWritten = written.then(() => undefined);
      chatWritten.catch(() => undefined);
      return exchangeOf(chatAsWritten(chat, now, context, leaf), chatWritten);
    }
    return exchangeOf(await written);
  } catch (error) {
    abandonCompletion(completion);
    // Stored before a later step failed (the chat's write, with the database away): taken back,
    // so nothing of it is left, and a retry (one with its Idempotency-Key too) sends it afresh
    // rather than finding a question with a dead answer. Kept when even that fails.
    if (messagesStored)
      messagesStored = await takeBackExchange(chatId, [ids.userMessageId, ids.replyId]).then(
        () => false,
        () => true,
      );
    if (!messagesStored) limits.giveRoomBackUnstored();
    // The chat it created for them goes too: the user would find a chat named after a question
    // it does not hold, counted against their chats, and a retry (one with its Idempotency-Key
    // too) would make a second one beside it.
    if (created && !messagesStored) await removeUnfinishedChat(created);
    await releaseLeaseSurely(lease);
    throw error;
  }
}

/**
 * A document as an exchange keeps it while its reply streams: without its search keys (a word
 * list as long as its text), which only the database reads.
 */
const withoutTerms = <T extends { terms?: unknown }>({ terms: _terms, ...doc }: T) => doc;

const latest = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** The chat as an exchange's write leaves it (writeChatAfterMessages), its title aside. */
const chatAsWritten = (
  chat: ChatDoc,
  now: Date,
  context: ChatContext | null,
  leaf: Partial<Pick<ChatDoc, 'activeLeafId'>>,
): ChatDoc => ({
  ...chat,
  ...leaf,
  lastMessageAt: latest(chat.lastMessageAt, now),
  updatedAt: latest(chat.updatedAt, now),
  context,
});

/**
 * How long the chat's write after an exchange's messages is tried again while the database is
 * away: a cut connection or a blip, which the driver finds over within its half-second heartbeat.
 * A JSON client waits for it, and a longer outage is better answered (a 503, the exchange taken
 * back, so that a retry makes it afresh) than waited out.
 */
const CHAT_WRITE_AWAY_RETRY_MS = 3000;

/**
 * Writes a chat after an exchange's messages are stored in it: `lastMessageAt`, the turns it keeps
 * for the next send (or their removal), the active leaf, and the title of a chat created empty
 * (`naming`). Then checks that the message the exchange answers is still there, unless no branch
 * deletion can have removed it (branch-deletions.ts). Resolves with the
 * chat as written; rejects with NOT_FOUND once it has taken back what the exchange stored, when
 * the chat (or the account) was deleted meanwhile or the branch it answers was.
 */
async function writeChatAfterMessages(
  chat: ChatDoc,
  leaf: Partial<Pick<ChatDoc, 'activeLeafId'>>,
  w: {
    now: Date;
    context: ChatContext | null;
    naming: ReturnType<typeof titleFields> | null;
    parentId: Types.ObjectId | null;
    /** deletionsBegunWhenRead of the chat as the send read it; null: always check the parent. */
    deletionsSeen: number | null;
    takeBack: () => Promise<void>;
    /** The exchange's slot: no attempt starts past its expiry. */
    lease: Pick<Lease, 'heldUntil'>;
  },
): Promise<ChatDoc> {
  const chatId = chat._id;
  let named = false;
  // The chat's times only move forward: two sends to one chat overlap, and the one that
  // started first may write last (its `now` is older).
  const times = { lastMessageAt: w.now, updatedAt: w.now };
  // By `_id` alone, the one filter every backend serves from the primary key (the embedded
  // FerretDB scans the whole collection for any other): it also tells whether the chat (or
  // the account: its chats go before it) was deleted while the messages were stored. A
  // deletion that comes later removes them in its passes over the messages, which follow its
  // removal of the chat (chat-deletion.ts). Not filtered on the context as read: a context another
  // write left meanwhile is made right when this reply settles (chat-context.ts
  // settleChatOf). It only sets fields, so a write the embedded database refused for its
  // write lock is repeated rather than failing a send whose messages are already stored.
  // Answered with the branch deletions begun as it found them (where the server takes a
  // projection, that field alone). Written again, too, for a moment while the database is away
  // (a connection cut, its answer lost): the messages are stored, and a streamed reply is
  // already under way; given up at once, a blip would end an answer the model gave whole as an
  // `error` one, which a repeat with the request's Idempotency-Key replays for good. Repeated
  // after it landed, it finds its own fields set and the deletions begun as they were: the same
  // answer.
  const writeOnce = () =>
    retryIdempotentWrite('chat after a message', () =>
      inChatTurn(chatId, async () => {
        const found = await Chat.collection.findOneAndUpdate(
          { _id: chatId },
          w.context
            ? { $set: { ...leaf, context: w.context }, $max: times }
            : { $set: leaf, $max: times, $unset: CLEAR_CONTEXT },
          {
            returnDocument: 'before',
            ...(serverProjectsModifiedDocuments()
              ? { projection: { 'branchDeletions.begun': 1 } }
              : {}),
          },
        );
        if (w.naming && found) named = await nameAfterFirstMessage(chatId, w.naming);
        return found as Pick<ChatDoc, 'branchDeletions'> | null;
      }),
    );
  const before = await retryWhileDatabaseAway('chat after a message', writeOnce, {
    forMs: CHAT_WRITE_AWAY_RETRY_MS,
    notAfter: () => w.lease.heldUntil,
  });
  if (!before) {
    await removeLeftovers(chat.userId, chatId);
    throw notFound('Chat');
  }
  if (!unchangedSince(w.deletionsSeen, before)) await checkParentStillThere(w.parentId, w.takeBack);
  return { ...chatAsWritten(chat, w.now, w.context, leaf), ...(named ? w.naming : {}) };
}

/**
 * The branch an exchange answers deleted while it was being stored: it goes too, and the chat is
 * left naming none of it. Asked once the chat is written (see messageStillThere).
 */
async function checkParentStillThere(
  parentId: Types.ObjectId | null,
  takeBack: () => Promise<void>,
): Promise<void> {
  if (parentId && !(await messageStillThere(parentId))) {
    await takeBack();
    throw parentGone();
  }
}

/**
 * Stores an exchange's messages while the account is read again, now under the generation slot.
 * The account the limits were checked with (read beside them, or known from an earlier send:
 * known-accounts.ts) may predate a disable whose sweep of running replies came before this slot
 * was taken, and so missed it; read after the slot, a disable is either seen here or its sweep
 * found the slot (and stops the reply). When it is seen, the messages just stored go again and
 * the request is refused as the first read would have refused it (401). So does a daily budget
 * that is not the one checked (`checkedLimit`, changed by an administrator since) and is used up
 * (429): the model's answer is then dropped before any of it is read.
 */
export async function storeUnderActiveAccount(
  userId: string,
  messages: NewMessageDoc[],
  checked: { now: Date; checkedLimit: number | null },
): Promise<MessageDoc[]> {
  const [stored, account] = await Promise.allSettled([
    insertMessages(messages),
    findAccount(userId),
  ]);
  if (stored.status === 'rejected') throw stored.reason;
  try {
    if (account.status === 'rejected') throw account.reason;
    // Noted first: the user's next send is checked with what this read found, refused or not.
    noteAccount(userId, account.value);
    assertAccountActive(account.value);
    if (effectiveLimit(account.value.tokenBudgetPerDay) !== checked.checkedLimit)
      await assertWithinBudget(userId, checked.now, account.value);
  } catch (error) {
    // The refusal is what the client gets; a reply left `streaming` by a failed removal is
    // finished as interrupted by the sweep once its lease (released below) is gone.
    await Message.collection
      .deleteMany({ _id: { $in: messages.map((m) => m._id) } })
      .catch((cleanup: unknown) =>
        logger.warn({ err: cleanup }, 'could not remove the messages of a refused send'),
      );
    throw error;
  }
  return stored.value;
}

/**
 * An exchange that is relayed and not stored (/v1 without `store`): the same per-minute rate and
 * generation slot as any message, with its chat and messages built in memory through their schemas
 * and never written (`persist: false`: no checkpoints, no final write). The caller sets `turns`.
 */
export async function beginUnstoredExchange(
  userId: string,
  startedBy: Credential,
  model: string,
): Promise<Exchange> {
  const now = new Date();
  const ids = plannedIds();
  const withinBudget = () => assertWithinBudget(userId, now);
  const { lease } = await admitExchange(userId, String(ids.chatId), now, {
    checkBeforeCut: withinBudget,
    startedBy,
  });
  try {
    // As for a stored exchange: the budget under the slot (README, "Budgets").
    await withinBudget();
  } catch (error) {
    await releaseLeaseSurely(lease);
    throw error;
  }
  const owner = new Types.ObjectId(userId);
  const chat = new Chat({
    _id: ids.chatId,
    userId: owner,
    title: DEFAULT_CHAT_TITLE,
    model,
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
  }).toObject<ChatDoc>();
  const userMessage = new Message({
    _id: ids.userMessageId,
    chatId: ids.chatId,
    userId: owner,
    role: 'user',
    status: 'complete',
    createdAt: now,
  }).toObject<MessageDoc>();
  const assistant = new Message({
    _id: ids.replyId,
    chatId: ids.chatId,
    userId: owner,
    parentId: ids.userMessageId,
    role: 'assistant',
    status: 'streaming',
    model,
    createdAt: now,
    // Never stored; held as a stored reply's is, with when the budget admitted it (its charge's day).
    lease: { slot: lease.slot, token: lease.token, at: now },
  }).toObject<MessageDoc>();
  return { chat, userMessage, assistant, lease, model, turns: [], persist: false };
}

const parentGone = () =>
  new AppError(
    'NOT_FOUND',
    'The message this one follows was deleted meanwhile; nothing of this exchange was kept',
  );

/** Removes an exchange's own messages, stored below a branch deleted meanwhile. */
export async function takeBackExchange(
  chatId: Types.ObjectId,
  messageIds: Types.ObjectId[],
): Promise<void> {
  await deleteMessages({ chatId, _id: { $in: messageIds } });
  await forgetRemovedMessages(chatId, messageIds);
}

const chatGone = () =>
  new AppError(
    'NOT_FOUND',
    'The chat was deleted while this reply was being generated; the reply was not kept',
  );

const branchGone = () =>
  new AppError(
    'NOT_FOUND',
    'The reply was deleted with its branch while it was being generated; it was not kept',
  );

/**
 * Finishes the stored reply: its one write after the checkpoints. A reply whose chat or account
 * is gone is refused (NOT_FOUND), and nothing of it is left. Once its lease is no longer surely
 * held it applies only while the reply is `streaming` (ownReply); when someone else finished it
 * first (the lease lapsed and the reply was taken for interrupted), that stored version is
 * returned as `settled`.
 *
 * `gone`: the reply was deleted before this write (with its `chat`, or with its `branch` by a
 * deletion that read the tree before the reply was stored), so its charge was not stored with it;
 * `unwritten`: the write failed (the database stayed unavailable while it was tried again), so
 * neither was anything of it.
 *
 * `onceStored` starts once the reply's own write has landed, beside the chat's (the runner gives
 * its slot back there: a reply already final needs its lease no longer), and is awaited with it.
 */
export async function storeReply(
  message: MessageDoc,
  /** The chat's kept turns as its exchange left them; `answerChanged`: a continue (settleChatOf). */
  chatTurns: { context?: ChatContext; answerChanged?: boolean },
  lease?: Lease,
  onceStored: () => Promise<void> = () => Promise.resolve(),
): Promise<{
  error: AppError | null;
  /** The chat as stored once the reply settled it (without its context). */
  chat?: ChatDoc;
  settled?: MessageDoc;
  gone?: 'chat' | 'branch';
  unwritten?: true;
}> {
  let written = false;
  try {
    const { content, status, finishReason, usage, error, ttftMs, durationMs, charge } = message;
    const stopReason = message.stopReason ?? null;
    const bytes = textBytes(content);
    // The search keys of the final text: checkpoints leave them alone, this write sets them.
    const { terms, termsVersion } = searchKeys(content);
    const set = {
      ...{ content, bytes, terms, termsVersion, status, finishReason, usage, error, stopReason },
      ...{ ttftMs, durationMs },
      // A continue leaves the charge of the call that began the answer (its own is in the ledger).
      ...(charge ? { charge } : {}),
    };
    // Written again while the database is away: given up at once, the stored reply would keep
    // only its last checkpoint ('' for one shorter than a checkpoint interval), finished later as
    // interrupted, while the whole text is here. Meanwhile its readers wait on it in memory (the
    // reply stays registered) and its lease is renewed (the runner stops only once this has
    // landed). Tried for half the lease time, and never past the lease's expiry: until then no
    // one else can have finished the reply. A $set, by `_id` or while still `streaming`
    // (ownReply, read for each attempt), is safe to repeat.
    const result = await retryWhileDatabaseAway(
      'final state of a reply',
      () =>
        inAnswerTurn(message._id, () =>
          Message.collection.updateOne(ownReply(message._id, lease), { $set: set }),
        ),
      {
        forMs: (config().GENERATION_LEASE_SECONDS * 1000) / 2,
        notAfter: () => lease?.heldUntil ?? Infinity,
      },
    );
    written = true;
    if (result.matchedCount === 0) {
      // Gone altogether when its chat, or its branch, was deleted meanwhile: nothing to store.
      const settled = await Message.findById(message._id).lean<MessageDoc>();
      if (settled) return { error: null, settled };
      // A chat's deletion removes the chat before its messages (chat-deletion.ts) and an account's
      // its messages before its chats (chats.cleanup.ts), so a chat gone, or still there without
      // a message, is one being deleted; a branch's deletion leaves the rest.
      const branchOnly =
        (await chatStillOwned(message.userId, message.chatId)) &&
        (await Message.exists({ chatId: message.chatId })) !== null;
      return branchOnly
        ? { error: branchGone(), gone: 'branch' }
        : { error: chatGone(), gone: 'chat' };
    }
    // Its chat (or the account) deleted while it was generated, by a deletion that did not reach
    // this reply's messages: they go now, the reply is not kept. The write that puts the reply's
    // text into the chat's context tells it (one read when there is no context to write).
    const { context, answerChanged } = chatTurns;
    // The reply is stored by now: a settle the database drops must not turn it into a 503 that
    // says it could not be saved (the client would send it again). Tried again as the reply's own
    // write is; repeated, it finds the context no longer pending and clears it, which is safe.
    const [chat] = await Promise.all([
      retryWhileDatabaseAway(
        'chat settled by a reply',
        () => settleChatOf(message, context, { answerChanged }),
        { forMs: (config().GENERATION_LEASE_SECONDS * 1000) / 2 },
      ),
      onceStored(),
    ]);
    if (!chat) {
      await removeLeftovers(message.userId, message.chatId);
      return { error: chatGone() };
    }
    // A continue's answer was counted when it was first stored: only the text it added is new.
    const counted =
      answerChanged && message.lease?.from ? textBytes(content.slice(0, message.lease.from)) : 0;
    countStoredReply(String(message.userId), bytes - counted);
    return { error: null, chat };
  } catch (error) {
    logger.error({ err: error, messageId: String(message._id) }, 'could not store the reply');
    return {
      // With Retry-After, as every 503 of the database being away.
      error: serviceUnavailable('The reply could not be saved; the database is unavailable', error),
      ...(written ? {} : { unwritten: true as const }),
    };
  }
}
