import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../lib/logger.js';
import type { Model, Types } from '../../lib/db/mongoose.js';
import { Chat } from './chat.model.js';
import { Message } from './message.model.js';
import { searchTerms } from './search-terms.js';

/**
 * Search keys for what was stored before they existed. Every write of a title or of a final
 * message text sets `terms` itself; documents older than that have none. At every start each
 * instance walks the messages, then the chats, that lack them, in `_id` order and in batches,
 * and sets them from the stored text. Until a document is reached, a word search still finds it
 * by its text (chats.search.ts), so nothing is missing from results meanwhile, only slower.
 *
 * Idempotent and safe beside live writes and other instances: each update applies only while
 * the document still has no `terms` (a write that set them since wins), and the walk goes by
 * `_id`, so a document that cannot be updated is not read again. No transactions or positional
 * operators: plain finds and a bulk of single-document updates (FerretDB serves both).
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

async function backfill<T>(
  model: Model<T>,
  field: 'title' | 'content',
  batchSize: number,
  signal?: AbortSignal,
): Promise<number> {
  let after: Types.ObjectId | null = null;
  let filled = 0;
  while (!signal?.aborted) {
    const filter: Record<string, unknown> = { terms: { $exists: false } };
    if (after) filter._id = { $gt: after };
    const rows = (await model.collection
      .find(filter, { projection: { [field]: 1 } })
      .sort({ _id: 1 })
      .limit(batchSize)
      .toArray()) as Row[];
    if (rows.length === 0) break;
    const result = await model.collection.bulkWrite(
      rows.map((row) => ({
        updateOne: {
          filter: { _id: row._id, terms: { $exists: false } },
          update: {
            $set: { terms: searchTerms(typeof row[field] === 'string' ? row[field] : '') },
          },
        },
      })),
      { ordered: false },
    );
    filled += result.modifiedCount;
    after = rows.at(-1)!._id;
    if (rows.length < batchSize) break;
    await sleep(PAUSE_MS, undefined, { ref: false });
  }
  return filled;
}

/** One full pass: the messages, then the chats, that lack search keys. Returns how many were filled. */
export async function backfillSearchTerms(
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<{ messages: number; chats: number }> {
  const batchSize = options.batchSize ?? BACKFILL_BATCH;
  const messages = await backfill(Message, 'content', batchSize, options.signal);
  const chats = await backfill(Chat, 'title', batchSize, options.signal);
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
        logger.info(filled, 'search keys filled in for documents stored without them');
    })
    .catch((error: unknown) => {
      // The next start carries on: what was filled stays, the rest still lacks `terms`.
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
