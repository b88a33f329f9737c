import type { AnyBulkWriteOperation, Collection, Document, Filter, UpdateFilter } from 'mongodb';

/** How a batch that failed (wholly or for some of its updates) is reported. */
export type BatchFailure = (error: unknown, updates: number) => void;

/**
 * Group commit for many small single-document updates to one collection (reply checkpoints): an
 * update asked for while no batch is in flight goes out on the next turn of the event loop with
 * every other one asked for in that turn; those asked for while a batch is in flight go out
 * together when it returns. So thousands of streaming replies cost one command per round trip
 * instead of one each (each a driver operation, a BSON buffer, a socket write and read, and objects
 * that outlive several young-generation collections while the database is busy), and a quiet
 * server adds no wait. The driver splits a batch larger than the server's limits.
 *
 * An update's promise resolves once its batch has been answered, to whether the whole batch
 * applied; it never rejects: a failure is reported once per batch through `onFailure`, and each of
 * its updates learns it may not have applied, so it is asked for again (meant for idempotent
 * updates, such as `$set`).
 */
export class GroupedUpdates<T extends Document> {
  private queued: AnyBulkWriteOperation<T>[] = [];
  private answered: ((applied: boolean) => void)[] = [];
  private sending = false;

  constructor(
    /** Read when a batch goes out: a model's collection exists only once its connection does. */
    private readonly collection: () => Collection<T>,
    private readonly onFailure: BatchFailure,
  ) {}

  updateOne(filter: Filter<T>, update: UpdateFilter<T>): Promise<boolean> {
    return new Promise((resolve) => {
      this.queued.push({ updateOne: { filter, update } });
      this.answered.push(resolve);
      if (this.queued.length === 1 && !this.sending) setImmediate(() => this.send());
    });
  }

  private send(): void {
    if (this.sending || this.queued.length === 0) return;
    const batch = this.queued;
    const answered = this.answered;
    this.queued = [];
    this.answered = [];
    this.sending = true;
    // Inside the promise, so a failure to reach the collection fails the batch like any other.
    Promise.resolve()
      .then(() => this.collection().bulkWrite(batch, { ordered: false }))
      .then(
        () => answered.forEach((resolve) => resolve(true)),
        (error: unknown) => {
          this.onFailure(error, batch.length);
          // Which of the others applied differs by backend (FerretDB stops an unordered batch at
          // its first error and numbers that error wrongly): none counts as applied.
          answered.forEach((resolve) => resolve(false));
        },
      )
      .finally(() => {
        this.sending = false;
        this.send();
      });
  }
}
