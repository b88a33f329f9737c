import type { Request, RequestHandler, Response } from 'express';
import { config } from '../../lib/config.js';
import { isDuplicateKey } from '../../lib/db/duplicate-key.js';
import { Types } from '../../lib/db/mongoose.js';
import { AppError } from '../../lib/errors.js';
import { parseObjectId } from '../../lib/http/ids.js';
import { setNextLink } from '../../lib/http/pagination.js';
import { authOf } from '../../lib/http/request-auth.js';
import { hasClosed, PlacesPerKey } from '../../lib/http/response-closed.js';
import { branchPage, type BranchPage } from './branch.service.js';
import type { ChatDoc } from './chat.model.js';
import type { ChatImport } from './chat-import.schemas.js';
import { importChat, importedPage, type ImportedChat } from './chat-import.service.js';
import { toBranchMessageJson, toChatJson } from './chats.mapper.js';
import type { ChatWithMessagesJson } from './chats.schemas.js';
import { checkChatWriteRate, findOwnedChat } from './chats.service.js';
import {
  claimIdempotencyKey,
  keyedRoute,
  markStored,
  parseIdempotencyKey,
  releaseIdempotencyKey,
  requestHash,
  whileClaimed,
} from './idempotency.service.js';

/**
 * Imports a user runs at once on this process. Each holds its parsed body (up to
 * IMPORT_BODY_LIMIT of JSON, several times that as objects) while it stores it: one account
 * sending many at once would take the memory every user's requests share. Taken before the body
 * is read (a guard), and held until the response closes, as exports are (export-cap.ts).
 */
export const IMPORTS_PER_USER = 2;

const running = new PlacesPerKey();
/**
 * The process's own places (IMPORTS_PER_INSTANCE), whoever imports: several users' imports at
 * once would hold the event loop and the database as one account's would, and each user's cap
 * alone does not bound them.
 */
const INSTANCE = 'instance';
const runningHere = new PlacesPerKey();

const busy = (message: string) =>
  new AppError('RATE_LIMITED', message, { headers: { 'Retry-After': '1' } });

/**
 * Takes one of the user's import places and one of the instance's for this response, then
 * charges the import's chat write (CHAT_WRITES_PER_MINUTE), or refuses with 429, all before the
 * body is read. The write is charged here rather than once the body is valid, as other chat
 * writes are: reading, parsing and checking up to IMPORT_BODY_LIMIT holds the event loop for a
 * while, so an import refused as no export costs its write too, and an account past its rate is
 * refused without sending its file. One refused for want of a place costs none.
 */
export const admitImport: RequestHandler = async (req, res, next) => {
  const { userId } = authOf(req);
  if (running.count(userId) >= IMPORTS_PER_USER)
    throw busy(
      `At most ${IMPORTS_PER_USER} imports can run at once; try again when one has finished`,
    );
  const { IMPORTS_PER_INSTANCE: perInstance } = config();
  if (runningHere.count(INSTANCE) >= perInstance)
    throw busy(
      `At most ${perInstance} imports run at once on this instance; try again in a moment`,
    );
  // Held before the rate's round trip, so imports arriving together cannot all pass the counts.
  running.holdUntilClosed(userId, res);
  runningHere.holdUntilClosed(INSTANCE, res);
  await checkChatWriteRate(userId);
  next();
};

/**
 * 201 with the chat as GET /api/chats/:id shows it: the latest page of its active branch (read,
 * unless the import that stored it gives it).
 */
async function answerWithChat(
  req: Request,
  res: Response,
  chat: ChatDoc,
  made?: Promise<BranchPage>,
): Promise<void> {
  const page = await (made ?? branchPage(chat, {}));
  const id = String(chat._id);
  setNextLink(req, res, page.nextCursor, `${req.baseUrl}/${id}/messages`);
  res.status(201).json({
    ...toChatJson(chat),
    ...(page.activeLeafId ? { activeLeafId: page.activeLeafId } : {}),
    messages: page.items.map(toBranchMessageJson),
    hasMore: page.nextCursor !== null,
  } satisfies ChatWithMessagesJson);
}

/** 201 with the chat an import has just stored, its page made from what it stored. */
const answerWithImport = (req: Request, res: Response, imported: ImportedChat) =>
  answerWithChat(req, res, imported.chat, importedPage(imported));

/**
 * POST /api/chats/import. An Idempotency-Key makes a repeat (after a lost answer) answer with the
 * chat the first request made, as it is then, rather than import again; a repeat while the first
 * still stores waits for it. Claimed as a fork's key is (`copies`): the chat exists before the
 * request is done with it and is removed again should it fail, so only the key's mark tells a
 * repeat that the import is made.
 */
export async function importChatRoute(
  req: Request,
  res: Response,
  { body }: { body: ChatImport },
): Promise<void> {
  const { userId } = authOf(req);
  const key = parseIdempotencyKey(req.get('Idempotency-Key'));
  if (!key) return answerWithImport(req, res, await importChat(userId, body));
  const route = keyedRoute(req);
  const claim = await claimIdempotencyKey(
    userId,
    key,
    { hash: requestHash(route, req.params, req.body) },
    { chatId: new Types.ObjectId(), replyId: null, copies: true },
    () => hasClosed(res),
  );
  const made = () => parseObjectId(String(claim.record.chatId), 'Chat');
  // 404 once its owner deleted the chat, as a repeat of a fork answers.
  if (!claim.fresh) return answerWithChat(req, res, await findOwnedChat(userId, made()));
  await whileClaimed(claim.record, async () => {
    let imported: ImportedChat;
    try {
      imported = await importChat(userId, body, claim.record.chatId);
    } catch (error) {
      // A request taken for dead made the chat under the same id after all: it is the answer.
      if (isDuplicateKey(error))
        return answerWithChat(req, res, await findOwnedChat(userId, made()));
      // Refused (a cap, the write limit) or failed, its writes taken back: a retry may act.
      await releaseIdempotencyKey(claim.record).catch(() => undefined);
      throw error;
    }
    // Unmarked (the database away), a repeat waits for the claim to lapse, imports under the same
    // chat id, meets this chat there and answers with it.
    await markStored(claim.record).catch(() => undefined);
    await answerWithImport(req, res, imported);
  });
}
