import { GroupedUpdates } from '../../lib/db/grouped-updates.js';
import { Deadlines, type Due } from '../../lib/deadlines.js';
import type { Types } from '../../lib/db/mongoose.js';
import { logger } from '../../lib/logger.js';
import type { Lease } from './generation/leases.js';
import { Message, ownReply } from './message.model.js';
import type { FollowerAware } from './remote-followers.js';

/**
 * How long a due checkpoint waits for others to go out with it: at 1,000 checkpoints a second,
 * one command every 50 ms instead of a thousand; a checkpoint lands that much later, against an
 * interval of a second (STREAM_CHECKPOINT_MS).
 */
export const CHECKPOINT_GATHER_MS = 50;

/**
 * Replies of this process whose checkpoint writer is open: they share its checkpoint budget
 * (`writesPerSecond`), so the writes per second stay bounded however many replies stream here.
 */
let openWriters = 0;

/** Every reply's checkpoints of this process, sent together. */
const checkpointWrites = new GroupedUpdates(
  () => Message.collection,
  (error, updates) =>
    logger.warn({ err: (error as Error).message, updates }, 'reply checkpoints failed'),
  CHECKPOINT_GATHER_MS,
);

/** When each reply's next checkpoint is due: one timer for all of them. */
const checkpointsDue = new Deadlines<CheckpointWriter>();

/**
 * Stores a growing reply's text at most every `intervalMs`, so a reader on another instance (or
 * the crash sweep) has it: the number of writes grows with the reply's duration, not with its
 * chunk count. With more replies streaming here than `writesPerSecond`, each is stored less often,
 * so that all of them together send about that many writes a second (8,000 replies and 1,000 a
 * second: every 8 s each): what a crash can lose grows with the load, the database's and this
 * process's work for checkpoints does not. While a reader on another instance follows the reply
 * (remote-followers.ts), at most every `followedIntervalMs` instead, outside the budget: that
 * reader sees only the stored text. One write at a time; none lands after the final state is
 * written (close), and once the lease is no longer surely held each applies only while the reply
 * is still `streaming` (ownReply), so a checkpoint never overwrites a final state. The writes of
 * all replies go out together (GroupedUpdates), so a write's time, which spaces the next,
 * includes its wait for the others.
 */
export class CheckpointWriter implements FollowerAware, Due {
  dueAt = 0;
  dueSlot = -1;
  private length = 0;
  private stored = 0;
  private lastWriteAt: number;
  private lastWriteMs = 0;
  private inFlight: Promise<void> | null = null;
  private closed = false;
  private followed = false;
  private readonly followedIntervalMs: number;
  private readonly writesPerSecond: number;

  constructor(
    private readonly replyId: Types.ObjectId,
    private readonly intervalMs: number,
    /**
     * Reads the whole text when a checkpoint goes out. The text is joined then, for that write
     * alone, and dies young: a reply held as one growing string would be flattened by every
     * checkpoint's serialisation into a new copy in old space (the string lives as long as the
     * reply), leaving the previous copy there as garbage.
     */
    private readonly readText: () => string,
    /** The reply's generation lease; absent: every write is guarded on the reply's state. */
    private readonly lease?: Lease,
    {
      startedAt = Date.now(),
      followedIntervalMs = intervalMs,
      writesPerSecond = Number.POSITIVE_INFINITY,
    }: { startedAt?: number; followedIntervalMs?: number; writesPerSecond?: number } = {},
  ) {
    // The reply was stored empty when it started: the first checkpoint is due an interval later.
    this.lastWriteAt = startedAt;
    this.followedIntervalMs = followedIntervalMs;
    this.writesPerSecond = writesPerSecond;
    openWriters += 1;
  }

  /** The text grew to `length` (UTF-16 code units). */
  grew(length: number): void {
    this.length = length;
    this.schedule();
  }

  followedElsewhere(followed: boolean): void {
    if (followed === this.followed) return;
    this.followed = followed;
    // The wait scheduled for the other interval is recomputed (a new follower's text is due now).
    checkpointsDue.cancel(this);
    this.schedule();
  }

  /**
   * Stops checkpointing. A write not yet sent is withdrawn (the final write, which follows, has
   * the whole text); resolves once none is in flight, so the final write lands last.
   */
  async close(): Promise<void> {
    if (!this.closed) openWriters -= 1;
    this.closed = true;
    checkpointsDue.cancel(this);
    checkpointWrites.withdraw(this);
    while (this.inFlight) await this.inFlight;
  }

  private schedule(): void {
    if (
      this.closed ||
      checkpointsDue.isQueued(this) ||
      this.inFlight ||
      this.length === this.stored
    )
      return;
    // A reply so long that storing it takes a while is stored less often: checkpoints never keep
    // the database busy for more than about a quarter of the time.
    const interval = this.followed
      ? Math.min(this.intervalMs, this.followedIntervalMs)
      : Math.max(this.intervalMs, (openWriters * 1000) / this.writesPerSecond);
    const wait = this.lastWriteAt + Math.max(interval, 4 * this.lastWriteMs) - Date.now();
    if (wait <= 0) {
      this.write();
      return;
    }
    // A reply that grows and then pauses still gets its text stored within an interval.
    checkpointsDue.schedule(this, wait);
  }

  onDue(): void {
    this.write();
  }

  private write(): void {
    if (this.closed) return;
    const content = this.readText();
    const started = Date.now();
    this.lastWriteAt = started;
    this.inFlight = checkpointWrites
      // A reader on another instance polls for this text: it goes without waiting for others.
      .updateOne(
        this,
        ownReply(this.replyId, this.lease),
        { $set: { content } },
        { urgent: this.followed },
      )
      .then((applied) => {
        // A failed batch is reported by checkpointWrites; the next write carries the text again.
        if (applied) this.stored = content.length;
        this.lastWriteMs = Date.now() - started;
      })
      .finally(() => {
        this.inFlight = null;
        this.schedule();
      });
  }
}
