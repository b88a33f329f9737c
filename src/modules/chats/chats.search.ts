import type { Types } from '../../lib/db/mongoose.js';
import { AppError } from '../../lib/errors.js';
import { Message } from './message.model.js';
import { queryWords } from './search-terms.js';

/** Regex-escaped so user input is matched literally (RE2-safe: no look-arounds). */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The server's answer when a query ran past its maxTimeMS (MaxTimeMSExpired). */
const MAX_TIME_EXPIRED = 50;

/**
 * Every search is time-bounded by the database (a substring search reads every title and message
 * of the user) and budgeted per user (chats.service.ts), whichever way it matches.
 */
export async function bounded<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if ((error as { code?: unknown }).code === MAX_TIME_EXPIRED) throw searchTimeout(error);
    throw error;
  }
}

const searchTimeout = (cause?: unknown) =>
  new AppError(
    'SEARCH_TIMEOUT',
    'The search took too long; try more specific words, or retry shortly',
    { headers: { 'Retry-After': '5' }, cause },
  );

/**
 * What is left of a search's time (`endsAt`, a `Date.now()` time) for its next query, in whole
 * milliseconds: a search is two queries (the messages, then the chats), and SEARCH_TIMEOUT_MS
 * bounds the two together. None left: the search's 503, without running the query.
 */
export function searchTimeLeft(endsAt: number): number {
  const left = Math.floor(endsAt - Date.now());
  if (left < 1) throw searchTimeout();
  return left;
}

type Filter = Record<string, unknown>;

/**
 * A search made of words (search-terms.ts queryWords): a title, or one message, matches when each
 * word starts one of its terms, in any order. Each condition is an anchored, case-sensitive
 * regex on the lower-cased terms, which MongoDB turns into a range of the `{ userId, terms }`
 * index (`^caf` → ["caf", "cag")) rather than a scan.
 *
 * Documents stored before search keys existed have no `terms` until the startup backfill
 * (search-backfill.ts) reaches them; meanwhile they are matched by each word as case-insensitive
 * text. That branch is an index range too (`terms` missing is the index's null key) and matches
 * nothing once the backfill is done.
 */
function wordMatch(words: string[], q: string, field: 'title' | 'content'): Filter {
  const raw = q.split(/\s+/u).filter((w) => w.length > 0);
  return {
    $or: [
      { $and: words.map((w) => ({ terms: { $regex: `^${literal(w)}` } })) },
      {
        terms: { $exists: false },
        $and: raw.map((w) => ({ [field]: { $regex: literal(w), $options: 'i' } })),
      },
    ],
  };
}

/** Anything else (punctuation, code, unspaced scripts): `q` as literal text anywhere, any case. */
function substringMatch(q: string, field: 'title' | 'content'): Filter {
  return { [field]: { $regex: literal(q), $options: 'i' } };
}

/**
 * The condition a chat of the user must meet to match `q`: its title matches, or one of its
 * messages does. No $lookup on FerretDB: the chats whose messages match are found first.
 */
export async function chatSearchCondition(
  owner: Types.ObjectId,
  q: string,
  maxTimeMS: number,
): Promise<Filter> {
  const words = queryWords(q);
  const match = (field: 'title' | 'content') =>
    words ? wordMatch(words, q, field) : substringMatch(q, field);
  // A grouping pipeline rather than `distinct`, which takes no maxTimeMS on FerretDB.
  const matched = await bounded(() =>
    Message.aggregate<{ _id: Types.ObjectId }>([
      { $match: { userId: owner, ...match('content') } },
      { $group: { _id: '$chatId' } },
    ]).option({ maxTimeMS }),
  );
  return { $or: [match('title'), { _id: { $in: matched.map((m) => m._id) } }] };
}
