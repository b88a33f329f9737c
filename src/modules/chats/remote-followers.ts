import { config } from '../../lib/config.js';
import type { Types } from '../../lib/db/mongoose.js';
import { runPeriodically, type PeriodicJob } from '../../lib/periodic.js';
import { ReplyReader } from './reply-reader.model.js';

/** Told whether a reader on another instance follows the reply (checkpoint-writer.ts). */
export interface FollowerAware {
  followedElsewhere(followed: boolean): void;
}

/** The replies generated here that are watched, by id. */
const watched = new Map<string, FollowerAware>();
/** Those of them a reader on another instance followed at the last poll. */
let followed = new Set<string>();
let poller: PeriodicJob | undefined;

/**
 * Which replies generated here a reader on another instance follows. Such a reader sees only the
 * stored text, so while one does, the reply is checkpointed as often as the reader polls
 * (RESUME_POLL_MS) rather than every STREAM_CHECKPOINT_MS. One query every RESUME_POLL_MS for all
 * the replies of this process, only while some stream here; the readers' own heartbeats
 * (reply_readers, renewed while they poll) are what it reads. It asks for every live heartbeat
 * and keeps those of replies watched here: there are as many as readers following a reply from
 * another instance right now (forgetLapsedReaders keeps the collection to those), usually none,
 * where the replies streaming here can be thousands, and naming them all in the query would send
 * and match that list four times a second.
 */
async function poll(now = new Date()): Promise<void> {
  if (watched.size === 0) return;
  const live = await ReplyReader.collection
    .find({ until: { $gt: now } }, { projection: { _id: 1 } })
    .toArray();
  // Only the replies whose state changed are told: the followed are few, the watched thousands.
  const followedNow = new Set<string>();
  for (const reader of live) {
    const id = String(reader._id);
    const target = watched.get(id);
    if (!target) continue;
    followedNow.add(id);
    if (!followed.has(id)) target.followedElsewhere(true);
  }
  for (const id of followed) if (!followedNow.has(id)) watched.get(id)?.followedElsewhere(false);
  followed = followedNow;
}

/** Watches a reply generated here for readers on other instances; the returned function stops. */
export function watchRemoteFollowers(replyId: Types.ObjectId, target: FollowerAware): () => void {
  const key = String(replyId);
  watched.set(key, target);
  // A new watcher starts unfollowed, and learns otherwise at the next poll.
  followed.delete(key);
  poller ??= runPeriodically('remote follower poll', config().RESUME_POLL_MS, () => poll());
  return () => {
    if (watched.get(key) !== target) return;
    watched.delete(key);
    followed.delete(key);
    if (watched.size > 0) return;
    poller?.stop();
    poller = undefined;
  };
}
