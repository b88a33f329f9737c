import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../lib/logger.js';
import type { Model, Types } from '../../lib/db/mongoose.js';
import { serverLosesConcurrentUpdates, serverScansFilters } from '../../lib/db/connection.js';
import { Chat, inChatTurn } from './chat.model.js';
import { inAnswerTurn, Message } from './message.model.js';
import { searchKeys, TERMS_VERSION } from './search-terms.js';

/**
 * Search keys for what was stored before they existed, or before their current form. Every write
 * of a title or of a final message text sets `terms` itself, with the form they were made in
 * (`termsVersion`); documents older than that have none, or keys of an older form (a version
 * below TERMS_VERSION, or none). At every start each instance walks the messages, then the chats,
 * that lack them, in `_id` order and in batches, and sets them from the stored text. Until a
 * document is reached, a word search still finds one without keys by its text (chats.search.ts),
 * so nothing is missing from results meanwhile, only slower; one with keys of an older form is
 * found by those, so a word whose form changed (a Hindi word with its vowel signs) finds it only
 * once it is reached. Once every document has keys of the current form, the look for them is an
 * empty range of the `{ termsVersion }` index: a start reads nothing else on MongoDB (the embedded
 * FerretDB scans both collections for it once, as for any filter but `_id`).
 *
 * Idempotent and safe beside live writes and other instances: each update applies only while
 * the document still lacks them (a write that set them since wins), and the walk goes by
 * `_id`, so a document that cannot be updated is not read again. No transactions or positional
 * operators: plain finds and a bulk of single-document updates (FerretDB serves both; there they
 * go one at a time, each in its document's turn: see fill).
 */

/**
 * Documents read and updated per round trip: small enough not to stall other queries. On the
 * embedded database each single-document update scans its collection, and a bulk of 500 held it
 * long enough for requests beside it to time out (seen with 300 streams opening during a start).
 */
export const BACKFILL_BATCH = 50;
/** A pause between batches, so the backfill yields the database to requests. */
const PAUSE_MS = 100;

type Row = { _id: Types.ObjectId } & Record<string, unknown>;

/** Without search keys (and so without a version), or with keys of an older form (search-terms.ts). */
const LACKING_TERMS = {
  $or: [{ termsVersion: { $exists: false } }, { termsVersion: { $lt: TERMS_VERSION } }],
};

/** How one document's write takes its turn among the others of its kind (inChatTurn, inAnswerTurn). */
type InTurn = <R>(id: unknown, write: () => PromiseLike<R>) => Promise<R>;

/** Whether a document as read still lacks keys of the current form (LACKING_TERMS, in code). */
const lacksCurrentKeys = (doc: Record<string, unknown>) =>
  !(typeof doc.termsVersion === 'number' && doc.termsVersion >= TERMS_VERSION);

/**
 * Sets the search keys of one batch: one bulk of updates, each applied only while its document
 * still has none. Where the server loses concurrent updates (serverLosesConcurrentUpdates), one
 * document at a time, each in its document's turn: a bulk write there could undo a rename, or a
 * continue's claim, made at the same moment. There the document is read and written by `_id`
 * alone, the one filter that server serves from an index: an update filtered on its keys as well
 * read the whole collection for each document, and the first start of a version that makes every
 * document's keys again held the database for minutes with a few thousand messages.
 */
async function fill<T>(
  model: Model<T>,
  rows: Row[],
  field: 'title' | 'content',
  inTurn: InTurn,
): Promise<number> {
  const keysOf = (doc: Record<string, unknown>) =>
    searchKeys(typeof doc[field] === 'string' ? doc[field] : '');
  if (!serverLosesConcurrentUpdates()) {
    const result = await model.collection.bulkWrite(
      rows.map((row) => ({
        updateOne: { filter: { _id: row._id, ...LACKING_TERMS }, update: { $set: keysOf(row) } },
      })),
      { ordered: false },
    );
    return result.modifiedCount;
  }
  let filled = 0;
  for (const { _id } of rows) {
    filled += await inTurn(_id, async () => {
      // As it is now: a write that made its keys since wins, and the keys are of its text now.
      const doc = await model.collection.findOne<Row>(
        { _id },
        { projection: { [field]: 1, termsVersion: 1 } },
      );
      if (!doc || !lacksCurrentKeys(doc)) return 0;
      const result = await model.collection.updateOne({ _id }, { $set: keysOf(doc) });
      return result.modifiedCount;
    });
  }
  return filled;
}

/**
 * Walks the collection in `_id` order, a batch at a time, filling the documents that lack current
 * keys. Where the server scans for any filter but `_id` (serverScansFilters), a batch read filtered
 * on the keys as well read the whole collection each time (quadratic over a first start that
 * remakes every document): there one look tells whether any is left, and the walk then reads by an
 * `_id` range alone and picks them out here.
 */
async function backfill<T>(
  model: Model<T>,
  field: 'title' | 'content',
  inTurn: InTurn,
  batchSize: number,
  signal?: AbortSignal,
): Promise<number> {
  const byIdAlone = serverScansFilters();
  if (byIdAlone && !(await model.collection.findOne(LACKING_TERMS, { projection: { _id: 1 } })))
    return 0;
  let after: Types.ObjectId | null = null;
  let filled = 0;
  while (!signal?.aborted) {
    const filter: Record<string, unknown> = byIdAlone ? {} : { ...LACKING_TERMS };
    if (after) filter._id = { $gt: after };
    const read = (await model.collection
      .find(filter, { projection: { [field]: 1, termsVersion: 1 } })
      .sort({ _id: 1 })
      .limit(batchSize)
      .toArray()) as Row[];
    if (read.length === 0) break;
    const rows = byIdAlone ? read.filter(lacksCurrentKeys) : read;
    if (rows.length > 0) filled += await fill(model, rows, field, inTurn);
    after = read.at(-1)!._id;
    if (read.length < batchSize) break;
    // Yields the database to requests after each batch it wrote.
    if (rows.length > 0) await sleep(PAUSE_MS, undefined, { ref: false });
  }
  return filled;
}

/**
 * One full pass: the messages, then the chats, that lack search keys of the current form. Returns
 * how many were filled.
 */
export async function backfillSearchTerms(
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<{ messages: number; chats: number }> {
  const batchSize = options.batchSize ?? BACKFILL_BATCH;
  const messages = await backfill(Message, 'content', inAnswerTurn, batchSize, options.signal);
  const chats = await backfill(Chat, 'title', inChatTurn, batchSize, options.signal);
  return { messages, chats };
}

let running: AbortController | undefined;

/** Starts the pass in the background (server.ts, at start); a failure is logged, never fatal. */
export function startSearchBackfill(): void {
  if (running) return;
  const controller = new AbortController();
  running = controller;
  backfillSearchTerms({ signal: controller.signal })
    .then((filled) => {
      if (filled.messages + filled.chats > 0)
        logger.info(
          filled,
          'search keys made for documents stored without them or in an older form',
        );
    })
    .catch((error: unknown) => {
      // The next start carries on: what was filled stays, the rest still lacks current keys.
      logger.warn({ err: (error as Error).message }, 'search-key backfill stopped');
    })
    .finally(() => {
      if (running === controller) running = undefined;
    });
}

/** Stops the pass between two batches (shutdown). */
export function stopSearchBackfill(): void {
  running?.abort();
  running = undefined;
}
