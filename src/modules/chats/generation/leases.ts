import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../../../lib/config.js';
import { Types } from '../../../lib/db/mongoose.js';
import { logger } from '../../../lib/logger.js';
import { Generation, type GenerationDoc } from './generation.model.js';
import { GenerationFlag, type FlagKind, type GenerationFlagDoc } from './generation-flag.model.js';
import { retryIdempotentWrite } from '../../../lib/db/write-lock-retry.js';
import { isDuplicateKey } from '../../../lib/db/duplicate-key.js';
import { documentKey, writeInTurn } from '../../../lib/db/writes-in-turn.js';
import { startedOrGone } from './starting.js';
import type { Credential } from '../../../lib/http/request-auth.js';

/** Names this process in the leases it holds, so stop requests find the instance that streams. */
export const INSTANCE_ID = randomUUID();

export interface Lease {
  userId: string;
  chatId: string;
  slot: number;
  token: string;
  /** The expiry (epoch ms) its last acknowledged write stored: acquiring it, or a renewal. */
  heldUntil: number;
  /** The session or API key its reply was asked for with (GenerationDoc). */
  startedBy?: Credential;
  /** The slot document's `_id`, when this lease inserted it (a takeover reuses another's). */
  id?: Types.ObjectId;
  /**
   * The lapsed lease this one took the slot over from (its instance died): whatever ran under it
   * is still to be finished and charged (finishTakenOver), before anything is checked under this one.
   */
  tookOver?: Pick<GenerationDoc, 'chatId' | 'token'>;
}

const leaseTtlMs = () => config().GENERATION_LEASE_SECONDS * 1000;

/**
 * Takes a free generation slot of the user, or null when all are busy. Each slot is one document
 * under a unique index: inserting claims it, and an expired lease (its instance crashed) is taken
 * over by an update filtered on its expiry, so two instances can never hold one slot (on the
 * embedded FerretDB, one instance's takeovers of a slot take turns: see below).
 */
export async function acquireLease(
  userId: string,
  chatId: string,
  now = new Date(),
  startedBy?: Credential,
): Promise<Lease | null> {
  const slots = config().MAX_CONCURRENT_STREAMS;
  const token = randomUUID();
  const expiresAt = new Date(now.getTime() + leaseTtlMs());
  const fields = {
    chatId: new Types.ObjectId(chatId),
    instanceId: INSTANCE_ID,
    token,
    expiresAt,
    waitingSince: null,
    startedBy: startedBy ?? null,
  };
  for (let slot = 0; slot < slots; slot += 1) {
    try {
      // Every message takes one: straight through the driver (the document is complete here).
      const id = new Types.ObjectId();
      await Generation.collection.insertOne({
        _id: id,
        userId: new Types.ObjectId(userId),
        slot,
        ...fields,
      });
      return { userId, chatId, slot, token, heldUntil: expiresAt.getTime(), id, startedBy };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // In turn: where the server runs a filtered update as a read and then a write, two takeovers
    // of one lapsed slot at once both matched its expiry, and both held the slot. Answered with
    // the lease it replaced, in the same command: the reply its dead instance left is finished
    // by the new holder (a free slot, the common case, never gets here).
    const lapsed = await writeInTurn(
      documentKey('generation slot', `${userId}:${slot}`),
      async () =>
        (await Generation.collection.findOneAndUpdate(
          { userId: new Types.ObjectId(userId), slot, expiresAt: { $lte: now } },
          { $set: fields },
          { returnDocument: 'before' },
        )) as GenerationDoc | null,
    );
    if (lapsed)
      return {
        userId,
        chatId,
        slot,
        token,
        heldUntil: expiresAt.getTime(),
        startedBy,
        tookOver: { chatId: lapsed.chatId, token: lapsed.token },
      };
  }
  return null;
}

const holder = (lease: Lease) => ({
  userId: new Types.ObjectId(lease.userId),
  slot: lease.slot,
  token: lease.token,
});

/**
 * The lease's document `_id` while no one can have taken it over (it is surely held), for a write
 * by `_id` alone, which every backend serves from its primary key (the embedded FerretDB decodes
 * the whole collection for any other filter); undefined once a write must also match its token.
 */
const idWhileSurelyHeld = (lease: Lease, now = Date.now()) =>
  lease.id && surelyHeld(lease, now) ? lease.id : undefined;

/** Gives the slot back: by `_id` while the lease is surely held, then only if it holds the token. */
export async function releaseLease(lease: Lease): Promise<void> {
  const id = idWhileSurelyHeld(lease);
  await Generation.collection.deleteOne(id ? { _id: id } : holder(lease));
}

const RELEASE_RETRY_MS = 1000;
/**
 * How long one release attempt may hold back the next. An attempt can hang rather than fail: it
 * may wait on a pooled connection to a database that went away without closing it (operations
 * have no socket timeout), which the driver gives up on only after its 30 s connect timeout. A
 * hung attempt must not stall the retries: the next one goes out on a fresh connection.
 */
const RELEASE_ATTEMPT_MS = 5000;

/**
 * Releases the lease without failing the caller. When the database cannot be reached (an outage
 * ended the reply), it keeps trying in the background until the lease would have lapsed anyway;
 * otherwise the user's slot stayed taken for the whole lease time after the database was back.
 * Resolves once the first attempt has settled, or has hung for RELEASE_ATTEMPT_MS.
 */
export function releaseLeaseSurely(
  lease: Lease,
  release: (lease: Lease) => Promise<void> = releaseLease,
): Promise<void> {
  startedOrGone(lease.token);
  const giveUpAt = Date.now() + leaseTtlMs();
  let released = false;
  /** One try, settled when it ends or once it has hung for RELEASE_ATTEMPT_MS (it may end later). */
  const attempt = (first: boolean) =>
    new Promise<'released' | 'failed' | 'hung'>((settle) => {
      const hung = setTimeout(() => {
        logger.warn({ chatId: lease.chatId }, 'lease release hangs; trying again beside it');
        settle('hung');
      }, RELEASE_ATTEMPT_MS);
      hung.unref();
      release(lease).then(
        () => {
          released = true;
          clearTimeout(hung);
          settle('released');
        },
        (error: unknown) => {
          clearTimeout(hung);
          if (first)
            logger.warn(
              { err: (error as Error).message, chatId: lease.chatId },
              'lease release failed; retrying in the background',
            );
          settle('failed');
        },
      );
    });
  const keepTrying = async (outcome: 'released' | 'failed' | 'hung') => {
    while (outcome !== 'released' && !released) {
      // A failed try waits a moment; a hung one is joined by the next at once.
      if (outcome === 'failed') await pause(RELEASE_RETRY_MS);
      if (released || Date.now() >= giveUpAt) return;
      outcome = await attempt(false);
    }
  };
  const first = attempt(true);
  void first.then(keepTrying);
  return first.then(() => undefined);
}

/** A timer that never keeps the process alive on its own. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs this process's updates of the leases it holds one after another, where the server loses
 * concurrent updates of a document (writeInTurn): the shared renewal, and the notes that a reply
 * waits (or no longer does). A renewal and a note of one lease at the same moment would lose one
 * of the two. Both are rare (a renewal every third of the lease time, a note when a reply's last
 * reader leaves or comes back), so waiting for each other costs nothing that matters. Deletes (a
 * release) need no place in the line.
 */
const oneHolderWriteAtATime = <T>(write: () => Promise<T>): Promise<T> =>
  writeInTurn('generations held here', write);

const RENEW_BATCH = 500;

/**
 * Pushes back the expiry of these leases of this instance, in one write per batch. A lease still
 * surely held is found by its `_id` (a filter on this instance's leases reads all of them,
 * thousands under load, to pick a batch's tokens), and its token too: a write the database held up
 * can land after the lease lapsed and was taken. Any other is found by this instance and its
 * token: a lease another instance took over carries that instance's token, so it is never renewed
 * from here. Only the leases a write matched count as held until the new expiry: one taken over
 * stays lapsed here, so its reply's writes and its release keep matching on its token, and never
 * touch the slot as its new holder has it. Returns the leases that no longer hold their token:
 * taken over, taken by the interrupted sweep, or released meanwhile.
 */
export async function renewLeases(leases: Lease[], now = new Date()): Promise<Lease[]> {
  const expiresAt = new Date(now.getTime() + leaseTtlMs());
  const lost: Lease[] = [];
  for (let i = 0; i < leases.length; i += RENEW_BATCH) {
    const batch = leases.slice(i, i + RENEW_BATCH);
    const ids: Types.ObjectId[] = [];
    const idTokens: string[] = [];
    const tokens: string[] = [];
    for (const lease of batch) {
      const id = idWhileSurelyHeld(lease, now.getTime());
      if (id) {
        ids.push(id);
        idTokens.push(lease.token);
      } else tokens.push(lease.token);
    }
    const set = { $set: { expiresAt } };
    // By `_id`, and still its token: a write held up by the database can land after the lease
    // lapsed and was taken (the sweep deleted it, or a send took the slot's document over), and
    // must neither count it held nor renew the new holder's.
    const byId = { _id: { $in: ids }, token: { $in: idTokens } };
    const byToken = { instanceId: INSTANCE_ID, token: { $in: tokens } };
    const stillHeld = async (filter: object) => {
      const held = await Generation.collection
        .find<{ token: string }>(filter, { projection: { token: 1 } })
        .toArray();
      return new Set(held.map((lease) => lease.token));
    };
    const renewed = await oneHolderWriteAtATime(async () => {
      const [idResult, result] = await Promise.all([
        ids.length > 0 && Generation.collection.updateMany(byId, set),
        tokens.length > 0 && Generation.collection.updateMany(byToken, set),
      ]);
      // Some were taken over (or released meanwhile): the ones still holding their token are the
      // ones just renewed. Rare, as a lease is renewed by token only when its renewals stalled.
      const [heldById, heldByToken] = await Promise.all([
        !idResult || idResult.matchedCount === ids.length ? idTokens : stillHeld(byId),
        !result || result.matchedCount === tokens.length ? tokens : stillHeld(byToken),
      ]);
      return new Set([...heldById, ...heldByToken]);
    });
    for (const lease of batch)
      if (renewed.has(lease.token)) lease.heldUntil = expiresAt.getTime();
      else lost.push(lease);
  }
  return lost;
}

/**
 * Whether no other instance can have taken the lease over: the expiry its last acknowledged write
 * stored is more than a third of the lease time away. Renewals come every third, so a running
 * generation always is; the margin covers other instances' clocks running ahead and a write still
 * in flight. Until then no one else finishes the lease's reply (interrupted-replies.ts takes only
 * replies whose lease lapsed), so the reply's own writes need no guard on its state.
 */
export function surelyHeld(lease: Lease, now = Date.now()): boolean {
  return lease.heldUntil - now > leaseTtlMs() / 3;
}

/**
 * Notes on the lease that its reply waits for a reader (since `since`), or no longer does (null),
 * so a send on any instance that finds every slot busy can have it cut (flagWaitingLease).
 */
export async function markWaiting(lease: Lease, since: Date | null): Promise<void> {
  await oneHolderWriteAtATime(() => {
    const id = idWhileSurelyHeld(lease);
    return Generation.collection.updateOne(id ? { _id: id } : holder(lease), {
      $set: { waitingSince: since },
    });
  });
}

/**
 * Raises a flag of `kind` on the lease, for the instance holding it (its stop poll reads it:
 * flagsHere). False when one of that kind was up already.
 */
function raiseFlag(
  { token, instanceId }: Pick<GenerationDoc, 'token' | 'instanceId'>,
  kind: FlagKind,
  at: Date,
): Promise<boolean> {
  // Written again when the embedded database's write lock refused it (other writers held it): a
  // stop, a disable or a sign-out is not refused for a moment's contention.
  return retryIdempotentWrite(`${kind} flag`, () =>
    GenerationFlag.create({ _id: `${kind}:${token}`, kind, token, instanceId, at }),
  ).then(
    () => true,
    (error: unknown) => {
      if (isDuplicateKey(error)) return false;
      throw error;
    },
  );
}

/**
 * Flags for yielding the user's live lease whose reply has waited longest for a reader, on any
 * instance (its holder's stop poll cuts it if it still waits, see refuseYield); its token, or null
 * when no reply of the user waits (or each that does was asked already).
 */
export async function flagWaitingLease(userId: string, now = new Date()): Promise<string | null> {
  const waiting = await Generation.find(
    { userId: new Types.ObjectId(userId), waitingSince: { $ne: null }, expiresAt: { $gt: now } },
    { token: 1, instanceId: 1 },
  )
    .sort({ waitingSince: 1 })
    .lean();
  for (const lease of waiting) if (await raiseFlag(lease, 'yield', now)) return lease.token;
  return null;
}

/** Which of a user's live generations a stop is for; every one of them when it names none. */
export interface StopScope {
  /** Those of one chat. */
  chatId?: string;
  /** Those these sessions or API keys started (they ended). */
  startedBy?: Credential[];
  /** Every one but those this session started (it changed the password, and goes on). */
  notStartedBy?: Credential;
}

/**
 * Flags the user's live generations in `scope` for stopping; whichever instance holds them aborts
 * them.
 */
export async function requestStop(
  userId: string,
  { chatId, startedBy, notStartedBy }: StopScope = {},
  now = new Date(),
): Promise<string[]> {
  const leases = await Generation.find(
    {
      userId: new Types.ObjectId(userId),
      ...(chatId === undefined ? {} : { chatId: new Types.ObjectId(chatId) }),
      ...(startedBy === undefined ? {} : { startedBy: { $in: startedBy } }),
      // A lease that names none (taken before leases named theirs) is stopped too.
      ...(notStartedBy === undefined ? {} : { startedBy: { $ne: notStartedBy } }),
      expiresAt: { $gt: now },
    },
    { token: 1, instanceId: 1 },
  ).lean();
  await Promise.all(leases.map((lease) => raiseFlag(lease, 'stop', now)));
  return leases.map((l) => l.token);
}

const RELEASE_POLL_MS = 50;

/**
 * Waits until the given leases of the user (those a stop was just asked of) are released or
 * lapsed. A generation gives its lease back once its reply's final write and its usage entry have
 * been answered (a ledger insert that failed is retried in the background, so that one may land
 * later). Replies started since are not waited for. Waits at most `withinMs`; false when some
 * still ran then (an instance that stopped answering: its lease lapses by itself).
 */
export async function leasesReleased(
  userId: string,
  tokens: string[],
  withinMs: number,
): Promise<boolean> {
  const giveUpAt = Date.now() + withinMs;
  const held = () =>
    Generation.exists({
      userId: new Types.ObjectId(userId),
      token: { $in: tokens },
      expiresAt: { $gt: new Date() },
    });
  while (await held()) {
    if (Date.now() >= giveUpAt) return false;
    await sleep(RELEASE_POLL_MS);
  }
  return true;
}

/** The flags raised for this instance's leases: to stop a reply, or to yield its slot. */
export async function flagsHere(): Promise<
  Pick<GenerationFlagDoc, '_id' | 'kind' | 'token' | 'at'>[]
> {
  return GenerationFlag.find({ instanceId: INSTANCE_ID }, { kind: 1, token: 1, at: 1 }).lean();
}

/**
 * Whether a flag for a lease that runs nowhere here is old enough to drop: its generation has
 * ended (one registers within moments of taking its lease), so none will read it.
 */
export const flagOutlived = (flag: Pick<GenerationFlagDoc, 'at'>, now = Date.now()): boolean =>
  now - flag.at.getTime() > leaseTtlMs();

/** Drops flags that were acted on, or outlived their lease. */
export async function dropFlags(ids: string[]): Promise<void> {
  await GenerationFlag.deleteMany({ _id: { $in: ids } });
}

/** Drops every flag of these leases (their replies were stopped here, at once). */
export async function dropFlagsOfTokens(tokens: string[]): Promise<void> {
  await GenerationFlag.deleteMany({ token: { $in: tokens } });
}

/** Drops every flag of a lease (its reply was finished for a crashed instance). */
export async function dropFlagsOf(token: string): Promise<void> {
  await GenerationFlag.deleteMany({ token });
}

/**
 * Drops the flags of leases no longer held (given back, or lapsed with their instance): their
 * generations have ended, and none will read them. The holder's stop poll drops the flags it acts
 * on, but keeps one for a generation it does not run (it may be about to register) and runs only
 * while something streams there; a flag that reached an instance after its generation ended, or
 * one raised for an instance that died or restarted (it polls under a new id), stayed for good,
 * and every stop poll reads the collection. Those of leases still held stay for their holder.
 */
export async function dropFlagsOfEndedLeases(now = new Date()): Promise<number> {
  const flags = await GenerationFlag.find({}, { _id: 0, token: 1 }).lean();
  if (flags.length === 0) return 0;
  const tokens = [...new Set(flags.map((flag) => flag.token))];
  const held = await Generation.find(
    { token: { $in: tokens }, expiresAt: { $gt: now } },
    { _id: 0, token: 1 },
  ).lean();
  const heldTokens = new Set(held.map((lease) => lease.token));
  const ended = tokens.filter((token) => !heldTokens.has(token));
  if (ended.length === 0) return 0;
  const { deletedCount } = await GenerationFlag.deleteMany({ token: { $in: ended } });
  return deletedCount;
}

/**
 * Turns down a request to yield: the reply is read again (a reader came back between the flag
 * and the poll), so it keeps its slot, and its lease no longer says it waits. The holder's write.
 */
export async function refuseYield(token: string): Promise<void> {
  await oneHolderWriteAtATime(() =>
    Generation.collection.updateOne({ token }, { $set: { waitingSince: null } }),
  );
}
