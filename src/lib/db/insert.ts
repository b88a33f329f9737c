import { retryInBackground } from '../background-retry.js';
import { isDatabaseDown } from '../http/error-handler.js';
import { logger } from '../logger.js';
import type { Model } from './mongoose.js';

/**
 * The one way a document built in code is inserted: through its schema first (defaults filled,
 * values cast, required fields and enums checked, fields the schema lacks dropped), then with the
 * driver's insertOne. Returns the plain object exactly as stored.
 *
 * Not Model.create: that goes through save(), with document middleware and change tracking that
 * nothing here uses. The driver insert keeps the exchange path (a chat, a user message and a
 * reply per exchange) close to the benchmark baseline (bench/baseline.ts), which inserts with
 * the driver.
 */
export async function insertThroughSchema<T>(model: Model<T>, doc: Partial<T>): Promise<T> {
  const document = new model(doc);
  await document.validate();
  const stored = document.toObject() as T;
  await model.collection.insertOne(stored as never);
  return stored;
}

/** A document for insertThroughSchema: the `Defaulted` fields may be left to the schema. */
export type Insertable<T, Defaulted extends keyof T> = Omit<T, Defaulted> &
  Partial<Pick<T, Defaulted>>;

/**
 * An insert whose connection was cut while it was out (isDatabaseDown) may have landed with its
 * answer lost: `mayHaveLanded` then runs (it takes back, by the `_id` chosen before the insert,
 * what the caller would otherwise leave behind, or marks it to be taken back), and the error goes
 * on, a 503 to the client. The client retries: it must not meet its first attempt there (an email
 * taken by its own new account, a session or an API key it was never shown counting against its
 * cap, a second chat). Any other failure goes on as it is: nothing of it landed. `insert` may be
 * the steps of a request after its insert (a sign-up's): one cut leaves that insert unanswered.
 */
export async function takeBackIfCut<T>(
  insert: Promise<T>,
  mayHaveLanded: () => unknown,
): Promise<T> {
  try {
    return await insert;
  } catch (error) {
    if (isDatabaseDown(error)) await mayHaveLanded();
    throw error;
  }
}

/** How often a take-back the database did not answer is tried again, and for how long. */
const TAKE_BACK_RETRY_MS = 1000;
const TAKE_BACK_FOR_MS = 5 * 60_000;

/**
 * Removes what a failed request stored (or may have: takeBackIfCut), at once and, while the
 * database does not answer, again every second in the background until it does: a removal a
 * moment after the failure usually meets the same outage. Resolves once the first try has
 * settled; never fails. `remove` must find done what was done (a removal by `_id`).
 */
export async function takeBack(what: string, remove: () => Promise<unknown>): Promise<void> {
  await remove().catch((error: unknown) => {
    logger.warn(
      { err: (error as Error).message, what },
      'not taken back yet; retrying in the background',
    );
    retryInBackground(remove, {
      everyMs: TAKE_BACK_RETRY_MS,
      forMs: TAKE_BACK_FOR_MS,
      gaveUp: (last) => logger.error({ err: (last as Error).message, what }, 'could not take back'),
    });
  });
}
