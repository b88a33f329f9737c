import type { Model } from 'mongoose';
import { logger } from '../logger.js';

/**
 * Lets the server drop expired documents where it supports TTL indexes (MongoDB). FerretDB does
 * not; correctness never depends on it, because every query that reads these documents also
 * checks the expiry time.
 */
export async function ensureTtlIndex(
  model: Model<never> | Model<any>,
  field: string,
): Promise<void> {
  try {
    await model.collection.createIndex(
      { [field]: 1 },
      { expireAfterSeconds: 0, name: `${field}_ttl` },
    );
  } catch (error) {
    logger.debug(
      { collection: model.collection.name, err: (error as Error).message },
      'TTL index not supported',
    );
  }
}
