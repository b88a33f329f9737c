/**
 * The chats module's public entry: the only file other modules, app.ts and server.ts import.
 * Chats, messages, exchanges (a user message and its reply) and the generation of replies.
 */
import { sessionCredential, type Credential } from '../../lib/http/request-auth.js';
import type { InterruptibleWork } from '../../lib/shutdown.js';
import { holdChargesIn } from '../usage/index.js';
import { subscribeToUsers } from '../users/index.js';
import { endRepliesAndDeleteUserContent, removeMessagesAndEndReplies } from './chats.cleanup.js';
import { stopReplies } from './chats.service.js';
import { abortAllGenerations, runningGenerations, stopPoller } from './generation/registry.js';
import { Message } from './message.model.js';
import { endUnsettledReplies } from './reply.service.js';

export { chatRoutes } from './chats.routes.js';
export { compatRoutes } from './compat.routes.js';
export { initIdempotencyKeys } from './idempotency.model.js';
export { INTERRUPTED, startInterruptedSweep, stopInterruptedSweep } from './interrupted-replies.js';
export {
  startUnfinishedChatDeletionSweep,
  stopUnfinishedChatDeletionSweep,
} from './chat-deletion.js';
export { startSearchBackfill, stopSearchBackfill } from './search-backfill.js';

// The exchange path, for modules that speak other protocols (/v1, the AI SDK stream): the same
// limits, leases, storage, replies and readers as POST /api/chats/:id/messages.
export {
  beginExchange,
  beginUnstoredExchange,
  type Exchange,
  type ExchangeTarget,
} from './exchange.service.js';
export { beginRegenerateLatest } from './branch-exchange.service.js';
// A keyed exchange of another protocol (/v1 with `store: true`): the same Idempotency-Key records,
// and what a repeat needs to answer with the reply the first request made.
export { oncePerKey, type KeyedExchange } from './exchange.controller.js';
export { plannedIds, type ExchangeIds } from './exchange.service.js';
export type { IdempotencyDoc } from './idempotency.model.js';
export { releaseIdempotencyKey } from './idempotency.service.js';
export { findReplyInChat, type ReplyInChat } from './reply-resume.service.js';
export { assertQuestionFits, modelRule } from './message-rules.js';
export {
  follow as followReply,
  replyToEnd,
  startedReply,
  storedError,
  storedReply,
} from './reply.controller.js';
export { admitReader } from './reader-cap.js';
export type { ReplySink } from './reply-sink.js';
export {
  activeLeafIdOf,
  branchCursorMessage,
  parentOfMessage,
  cursorNotInChat,
  ownedBranchPage,
  type BranchMessage,
} from './branch.service.js';
export { STOP_REASONS, type ProviderFailure } from './message.model.js';
export { openReply, runReply, type RunReplyOptions } from './reply.service.js';
export { startHeldCompletion } from './generation/generation.runner.js';
export { followLive } from './reply-live-reader.js';
export { CollectingSink } from './reply-sink.js';
export { DataSink, type DataFormat } from './reply-data-sink.js';
export {
  streamReplyAsData,
  type LiveDataFormat,
  type LiveDataOptions,
} from './reply-data-stream.js';
export type { ReplyOutcome, ReplyStream } from './reply-stream.js';
export { subscribeToChatDeletion } from './chat-hooks.js';

/** The replies being generated in this process: graceful shutdown waits for them, then cuts them. */
export const generations: InterruptibleWork = {
  running: runningGenerations,
  cutAll: abortAllGenerations,
  stop: stopPoller,
  endUnsettled: endUnsettledReplies,
};

/**
 * A disabled or signed-out account's replies stop wherever they stream (a stop flag for each
 * lease); its chats stay.
 */
const stopRepliesOf = async (userId: string) => {
  await stopReplies(userId);
};

/**
 * The replies a session or API key asked for stop with it, as a sign-out's do (stored as they
 * are): a password change ends every session but the changing one and every key, and a stolen
 * token's stream must not run on; a logout, a replayed refresh token, the session cap or a deleted
 * key end just theirs. What the account's other ways in asked for goes on.
 */
const stopRepliesStartedBy = async (userId: string, credentials: Credential[]) => {
  await stopReplies(userId, { startedBy: credentials });
};
const stopRepliesOfOthers = async (userId: string, keptSessionId: string) => {
  await stopReplies(userId, { notStartedBy: sessionCredential(keptSessionId) });
};

// An account's chats, messages, generation leases and idempotency records go with it (see
// users/user-hooks.ts): its messages first, then its replies are stopped and have ended (their
// last writes answered, finding nothing) before the rest is removed, and what requests in flight
// wrote meanwhile is swept once it is gone.
subscribeToUsers('chats', {
  lockOut: removeMessagesAndEndReplies,
  removeData: endRepliesAndDeleteUserContent,
  sweep: endRepliesAndDeleteUserContent,
  disabled: stopRepliesOf,
  signedOut: stopRepliesOf,
  passwordChanged: stopRepliesOfOthers,
  credentialsEnded: stopRepliesStartedBy,
});

// A stored reply holds its own call's charge (message.model.ts `charge`): totals and budgets sum
// the replies with the ledger.
holdChargesIn({ collection: Message, path: 'charge' });
