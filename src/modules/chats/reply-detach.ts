import { config } from '../../lib/config.js';
import type { Types } from '../../lib/db/mongoose.js';
import { GenerationAbort } from './generation/registry.js';
import { ReplyReader } from './reply-reader.model.js';
import type { ReaderWatcher, ReplyStream } from './reply-stream.js';

/** Until when a reader on another instance said it follows the reply (null: none did). */
async function remoteReaderUntil(replyId: Types.ObjectId): Promise<Date | null> {
  const reader = await ReplyReader.findById(replyId, { until: 1 }).lean();
  return reader?.until ?? null;
}

/**
 * A reply outlives its connection: when its last reader goes, it goes on for DETACH_GRACE_SECONDS
 * waiting for one to attach (a reconnect, another tab, a reader on another instance), and is cut
 * (stored `incomplete`, as a disconnect did before) only if none did. With 0 it is cut at once.
 * One object per reply, told of its readers by the stream (no closures kept per reply: a held
 * reply keeps this for its whole life). `stop` ends the watch.
 */
export class DetachWatch implements ReaderWatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly graceMs: number;

  constructor(
    private readonly stream: ReplyStream,
    private readonly replyId: Types.ObjectId,
    graceSeconds = config().DETACH_GRACE_SECONDS,
  ) {
    this.graceMs = graceSeconds * 1000;
    stream.watchReaders(this);
  }

  readersChanged(count: number): void {
    if (count > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.settled() || this.timer) return;
    if (this.graceMs === 0) this.cut();
    else this.wait(this.graceMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private settled(): boolean {
    return this.stream.final !== null || this.stream.signal.aborted;
  }

  private cut(): void {
    if (!this.settled()) this.stream.controller.abort(new GenerationAbort('client'));
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
    if (left > 0) this.wait(left);
    else this.cut();
  }
}
