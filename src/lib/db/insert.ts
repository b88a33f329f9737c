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
