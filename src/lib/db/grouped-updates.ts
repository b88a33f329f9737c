import type { AnyBulkWriteOperation, Collection, Document, Filter, UpdateFilter } from 'mongodb';

/** How a batch that failed (wholly or for some of its updates) is reported. */
export type BatchFailure = (error: unknown, updates: number) => void;

interface Queued<T extends Document> {
  op: AnyBulkWriteOperation<T>;
  /** Everyone waiting on this key's update (a later update of a key replaces its op). */
  answered: ((applied: boolean) => void)[];
}

/**
 * Group commit for many small single-document updates to one collection (reply checkpoints): an
 * update waits up to `windowMs` for others, and all of them go out as one unordered bulkWrite;
 * those asked for while a batch is in flight go out together when it returns. So thousands of
 * streaming replies cost a few commands a second instead of one per update (each a driver
 * operation with its session, timeouts and server selection, a BSON buffer, a socket write and
 * read, and objects that live long enough under load to be promoted before they die). The driver
 * splits a batch larger than the server's limits.
 *
 * Updates are keyed (a reply's checkpoint writer): a second update of a key still queued replaces
 * the first, and one still queued can be withdrawn (a reply's final write supersedes its last
 * checkpoint).
 *
 * An update's promise resolves once its batch has been answered, to whether the whole batch
 * applied; it never rejects: a failure is reported once per batch through `onFailure`, and each of
 * its updates learns it may not have applied, so it is asked for again (meant for idempotent
 * updates, such as `$set`). A withdrawn update resolves to false.
 */
export class GroupedUpdates<T extends Document> {
  private queued = new Map<unknown, Queued<T>>();
  private timer: NodeJS.Timeout | undefined;
  private sending = false;

  constructor(
    /** Read when a batch goes out: a model's collection exists only once its connection does. */
    private readonly collection: () => Collection<T>,
    private readonly onFailure: BatchFailure,
    /** How long an update waits for others when no batch is in flight. */
    private readonly windowMs = 0,
  ) {}

  /**
   * `urgent`: someone waits for this update (a reader on another instance follows the reply), so
   * the batch goes out at once, with whatever else is queued, rather than at the window's end.
   */
  updateOne(
    key: unknown,
    filter: Filter<T>,
    update: UpdateFilter<T>,
    { urgent = false }: { urgent?: boolean } = {},
  ): Promise<boolean> {
    return new Promise((resolve) => {
      const op: AnyBulkWriteOperation<T> = { updateOne: { filter, update } };
      const queued = this.queued.get(key);
      if (queued) {
        queued.op = op;
        queued.answered.push(resolve);
      } else {
        this.queued.set(key, { op, answered: [resolve] });
      }
      this.schedule(urgent ? 0 : this.windowMs);
    });
  }

  /** Sends the queue after `delayMs`, unless it goes sooner already (or with the batch in flight). */
  private schedule(delayMs: number): void {
    if (this.sending) return;
    if (this.timer) {
      if (delayMs >= this.windowMs) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => this.send(), delayMs);
    // Pending checkpoints never keep the process alive (shutdown stores final states).
    this.timer.unref();
  }

  /** Drops the key's update if it has not gone out yet (its promise resolves to false). */
  withdraw(key: unknown): void {
    const queued = this.queued.get(key);
    if (!queued) return;
    this.queued.delete(key);
    for (const resolve of queued.answered) resolve(false);
    if (this.queued.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private send(): void {
    this.timer = undefined;
    if (this.sending || this.queued.size === 0) return;
    const batch = [...this.queued.values()];
    this.queued = new Map();
    this.sending = true;
    const answer = (applied: boolean) => {
      for (const { answered } of batch) for (const resolve of answered) resolve(applied);
    };
    // Inside the promise, so a failure to reach the collection fails the batch like any other.
    Promise.resolve()
      .then(() =>
        this.collection().bulkWrite(
          batch.map((q) => q.op),
          { ordered: false },
        ),
      )
      .then(
        () => answer(true),
        (error: unknown) => {
          this.onFailure(error, batch.length);
          // Which of the others applied differs by backend (FerretDB stops an unordered batch at
          // its first error and numbers that error wrongly): none counts as applied.
          answer(false);
        },
      )
      .finally(() => {
        this.sending = false;
        this.send();
      });
  }
}
