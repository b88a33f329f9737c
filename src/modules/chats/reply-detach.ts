import { config } from '../../lib/config.js';
import type { Types } from '../../lib/db/mongoose.js';
import { GenerationAbort } from './generation/registry.js';
import { ReplyReader } from './reply-reader.model.js';
import type { ReplyStream } from './reply-stream.js';

/** Until when a reader on another instance said it follows the reply (null: none did). */
async function remoteReaderUntil(replyId: Types.ObjectId): Promise<Date | null> {
  const reader = await ReplyReader.findById(replyId, { until: 1 }).lean();
  return reader?.until ?? null;
}

/**
 * A reply outlives its connection: when its last reader goes, it goes on for DETACH_GRACE_SECONDS
 * waiting for one to attach (a reconnect, another tab, a reader on another instance), and is cut
 * (stored `incomplete`, as a disconnect did before) only if none did. With 0 it is cut at once.
 * Returns the function that stops watching.
 */
export function cutWhenUnread(
  stream: ReplyStream,
  replyId: Types.ObjectId,
  graceSeconds = config().DETACH_GRACE_SECONDS,
): () => void {
  const graceMs = graceSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const settled = () => stream.final !== null || stream.signal.aborted;
  const cut = () => {
    if (!settled()) stream.controller.abort(new GenerationAbort('client'));
  };
  const wait = (ms: number) => {
    timer = setTimeout(() => void check(), ms);
    timer.unref();
  };
  const check = async () => {
    timer = undefined;
    if (stream.readers > 0 || settled()) return;
    // Readers on other instances follow the stored reply and renew their `until` while they do.
    const until = await remoteReaderUntil(replyId).catch(() => null);
    if (stream.readers > 0 || settled() || timer) return;
    const left = until ? until.getTime() - Date.now() : 0;
    if (left > 0) wait(left);
    else cut();
  };
  stream.watchReaders((count) => {
    if (count > 0) {
      clearTimeout(timer);
      timer = undefined;
      return;
    }
    if (settled() || timer) return;
    if (graceMs === 0) cut();
    else wait(graceMs);
  });
  return () => clearTimeout(timer);
}
