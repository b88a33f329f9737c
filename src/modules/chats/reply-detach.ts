import { config } from '../../lib/config.js';
import type { Types } from '../../lib/db/mongoose.js';
import { logger } from '../../lib/logger.js';
import { flagWaitingLease, leasesReleased, markWaiting, type Lease } from './generation/leases.js';
import { GenerationAbort, offerToYield, withdrawYieldOffer } from './generation/registry.js';
import { heartbeatEveryMs, ReplyReader } from './reply-reader.model.js';
import type { ReaderWatcher, ReplyStream } from './reply-stream.js';

/** Until when a reader on another instance said it follows the reply (null: none did). */
async function remoteReaderUntil(replyId: Types.ObjectId): Promise<Date | null> {
  const reader = await ReplyReader.findById(replyId, { until: 1 }).lean();
  return reader?.until ?? null;
}

/** The replies of each user that wait in this process for a reader to come back, oldest first. */
const waitingByUser = new Map<string, Set<DetachWatch>>();

/**
 * A reply outlives its connection: when its last reader goes, it goes on for DETACH_GRACE_SECONDS
 * waiting for one to attach (a reconnect, another tab, a reader on another instance), and is cut
 * (stored `incomplete`, as a disconnect did before) only if none did. With 0 it is cut at once.
 * A reply that waits gives way to a new send of its user that finds every generation slot busy
 * (yieldWaitingReply). One object per reply, told of its readers by the stream (no closures kept
 * per reply: a held reply keeps this for its whole life). `stop` ends the watch.
 */
export class DetachWatch implements ReaderWatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;
  /** What a cut for its readers having left is stored as (`stopReason`). */
  private readonly leaving: 'detached' | 'stop';
  /** The lease's notes that the reply waits (or no longer does), written in order. */
  private notes: Promise<void> | undefined;
  /** The readers as last told, to tell a reader leaving from one coming. */
  private readers = 0;
  /** When a reader last left that had not been gone a grace already (0: none did). */
  private leftAt = 0;
  /** Its model call is over (or the reply ended): nothing is left to cut, nor to give way. */
  private stopped = false;

  constructor(
    readonly stream: ReplyStream,
    private readonly replyId: Types.ObjectId,
    private readonly lease: Lease,
    {
      graceSeconds = config().DETACH_GRACE_SECONDS,
      leaving = 'detached',
    }: { graceSeconds?: number; leaving?: 'detached' | 'stop' } = {},
  ) {
    this.graceMs = graceSeconds * 1000;
    this.leaving = leaving;
    stream.watchReaders(this);
  }

  readersChanged(count: number, waitedOut = false): void {
    if (this.stopped) return;
    if (count < this.readers && !waitedOut) this.leftAt = Date.now();
    this.readers = count;
    if (count > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.unlist(true);
      return;
    }
    if (this.settled() || this.timer) return;
    if (this.graceMs === 0) return this.cut(this.leaving);
    this.list();
    // A reader elsewhere whose heartbeat lapsed left most of a grace ago: it is waited for only
    // what its heartbeat's renewal period leaves of one (a heartbeat renewed meanwhile, a reader
    // come back, still holds the reply).
    // A reader here that left meanwhile (counted out while the remote one still held the reply)
    // still gets what is left of its own grace.
    const ownLeft = this.leftAt ? this.graceMs - (Date.now() - this.leftAt) : 0;
    this.wait(waitedOut ? Math.max(heartbeatEveryMs(this.graceMs), ownLeft) : this.graceMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unlist(false);
  }

  /** Cut now: no reader came back in time, or a send of the same user needs its slot. */
  cut(kind: 'detached' | 'superseded' | 'stop'): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unlist(false);
    if (!this.settled()) this.stream.controller.abort(new GenerationAbort(kind));
  }

  private settled(): boolean {
    return this.stream.final !== null || this.stream.signal.aborted;
  }

  private list(): void {
    let waiting = waitingByUser.get(this.lease.userId);
    if (!waiting) waitingByUser.set(this.lease.userId, (waiting = new Set()));
    waiting.add(this);
    offerToYield(this.lease.token, () => this.cut('superseded'));
    this.note(new Date());
  }

  /** Off the list; `read`: it has a reader again (a reply that ends or is cut needs no note). */
  private unlist(read: boolean): void {
    const waiting = waitingByUser.get(this.lease.userId);
    if (!waiting?.delete(this)) return;
    if (waiting.size === 0) waitingByUser.delete(this.lease.userId);
    withdrawYieldOffer(this.lease.token);
    if (read) this.note(null);
  }

  /** Tells other instances, through the lease, whether the reply waits (yieldWaitingReply). */
  private note(since: Date | null): void {
    this.notes = (this.notes ?? Promise.resolve())
      .then(() => markWaiting(this.lease, since))
      .catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, 'noting a waiting reply failed'),
      );
  }

  private wait(ms: number): void {
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    this.timer = undefined;
    if (this.stream.readers > 0 || this.settled()) return;
    // Readers on other instances follow the stored reply and renew their `until` while they do.
    const until = await remoteReaderUntil(this.replyId).catch(() => null);
    if (this.stream.readers > 0 || this.settled() || this.timer) return;
    const left = until ? until.getTime() - Date.now() : 0;
    if (left <= 0) return this.cut(this.leaving);
    // Followed elsewhere: it is read, and does not give way to a new send.
    this.unlist(true);
    this.wait(left);
  }
}

/**
 * Cuts the reply of the user that has waited longest for a reader (its client left, none came
 * back), so that a new send of the user gets its generation slot rather than a 429: the user has
 * moved on. One waiting in this process is cut at once; otherwise one waiting on another instance
 * is flagged to yield there: its stop poll (STOP_POLL_MS) cuts it if it still waits, and turns the
 * request down if a reader came back meanwhile (registry.ts). Resolves once that reply has given
 * its slot back (stored `incomplete`); false when no reply of the user waits, or none gave way in
 * time.
 */
export async function yieldWaitingReply(userId: string): Promise<boolean> {
  const oldest = waitingByUser.get(userId)?.values().next().value;
  if (oldest) {
    oldest.cut('superseded');
    await oldest.stream.finished;
    return true;
  }
  // A title nobody asked for gives way to what the user asks for.
  const title = titlesByUser.get(userId)?.values().next().value;
  if (title) {
    title.cut();
    await title.released;
    return true;
  }
  const token = await flagWaitingLease(userId);
  return token !== null && leasesReleased(userId, [token], config().STOP_POLL_MS + YIELD_WRITES_MS);
}

/** Beyond the holder's stop poll, how long a flagged reply may take to store itself and let go. */
const YIELD_WRITES_MS = 2000;

/** A chat's title being written here (title.service.ts), which gives its slot to a new send. */
export interface YieldingTitle {
  cut: () => void;
  /** Settles once its slot is given back. */
  released: Promise<void>;
}

const titlesByUser = new Map<string, Set<YieldingTitle>>();

/** Lists a title of the user as one that gives way; the returned function takes it off. */
export function titleGivesWay(userId: string, title: YieldingTitle): () => void {
  let titles = titlesByUser.get(userId);
  if (!titles) titlesByUser.set(userId, (titles = new Set()));
  titles.add(title);
  return () => {
    const of = titlesByUser.get(userId);
    if (!of?.delete(title)) return;
    if (of.size === 0) titlesByUser.delete(userId);
  };
}
