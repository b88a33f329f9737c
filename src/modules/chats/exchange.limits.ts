import { config } from '../../lib/config.js';
import { AppError } from '../../lib/errors.js';
import { acquireLease, releaseLeaseSurely, type Lease } from './generation/leases.js';
import { hit } from '../../lib/rate-limit/mongo-store.js';
import { assertWithinBudget } from '../usage/index.js';
import { ensureRoom, type GiveRoomBack } from './chats.quota.js';
import { yieldWaitingReply } from './reply-detach.js';
import { slotsGivenBack } from './generation/registry.js';
import { admissionStarted, startingUnder } from './generation/starting.js';
import { finishTakenOver } from './interrupted-replies.js';
import type { Account } from '../users/index.js';
import type { Credential } from '../../lib/http/request-auth.js';

const MINUTE = 60_000;

/**
 * The last message number each user took in the current minute on this instance. A user's next
 * message of that minute tries the next number straight away instead of counting first (one round
 * trip instead of two); numbers other instances took meanwhile are duplicates, skipped as before,
 * so the count stays exact. Entries of ended minutes are dropped when a new minute starts.
 */
const lastTaken = new Map<string, { resetAt: Date; n: number }>();
let lastTakenMinute = 0;

function remember(userId: string, counter: { resetAt: Date; hits: number }): void {
  const minute = counter.resetAt.getTime();
  if (minute !== lastTakenMinute) {
    for (const [id, taken] of lastTaken) if (taken.resetAt.getTime() < minute) lastTaken.delete(id);
    lastTakenMinute = minute;
  }
  lastTaken.set(userId, { resetAt: counter.resetAt, n: counter.hits });
}

/** Messages per user per minute, counted in the database so every instance shares the budget. */
async function checkMessageRate(userId: string, now = new Date()): Promise<void> {
  const c = config();
  if (!c.RATE_LIMITS_ENABLED) return;
  const counter = await hit(
    `messages:${userId}`,
    MINUTE,
    now,
    c.MESSAGES_PER_MINUTE,
    lastTaken.get(userId),
  );
  remember(userId, counter);
  if (counter.hits > c.MESSAGES_PER_MINUTE) {
    const retryAfter = Math.max(1, Math.ceil((counter.resetAt.getTime() - now.getTime()) / 1000));
    throw new AppError(
      'RATE_LIMITED',
      `At most ${c.MESSAGES_PER_MINUTE} messages per minute; try again shortly`,
      {
        headers: { 'Retry-After': String(retryAfter) },
      },
    );
  }
}

const tooManyStreams = () => {
  const max = config().MAX_CONCURRENT_STREAMS;
  return new AppError(
    'TOO_MANY_STREAMS',
    `At most ${max} replies can be generated at once; wait for one to finish`,
    { headers: { 'Retry-After': '1' } },
  );
};

/**
 * A free slot of the user, or null when all are busy. One taken over from an instance that died
 * has its reply finished and charged first, so the checks under the slot count it.
 */
const takeSlot = (userId: string, chatId: string, startedBy?: Credential) =>
  acquireLease(userId, chatId, new Date(), startedBy).then(finishTakenOver);

/** How long a request waits for the user's slots that ended replies are giving back. */
const GIVE_BACK_WAIT_MS = 1000;

/**
 * With every slot busy, the slot of a reply of the user that waits for its client to come back
 * (reply-detach.ts), which is cut for it; or the slot of a reply that has ended here and is being
 * given back (a client that stopped a /v1 stream and asks again at once); or one given back
 * meanwhile; or 429 when none.
 * `checkFirst`: the refusals the request would still meet under the slot (budget, storage caps),
 * run before the cut, so that a request turned down costs no reply the user could still resume
 * (and, slots busy or not, its refusal is the same).
 */
async function yieldedSlot(
  userId: string,
  chatId: string,
  checkFirst: () => Promise<void>,
  startedBy?: Credential,
): Promise<Lease> {
  await checkFirst();
  // Tried again even when nothing was freed for it: a reply that ended meanwhile (here or on
  // another instance) may have given its slot back since the first try. A refusal costs those
  // few commands more; it is the rare path.
  if (!(await yieldWaitingReply(userId))) await slotsGivenBack(userId, GIVE_BACK_WAIT_MS);
  const lease = await takeSlot(userId, chatId, startedBy);
  if (!lease) throw tooManyStreams();
  return lease;
}

/** What admitExchange reads beside the rate and the slot, and checks before a reply is cut. */
interface Admission<T> {
  read?: Promise<T>;
  checkBeforeCut: (found: T) => Promise<void>;
  /** The session or API key the reply is asked for with: its lease names it (leases.ts). */
  startedBy?: Credential;
}

/**
 * The per-minute rate and a generation slot, taken side by side with the exchange's first read
 * (`read`: the chat the message goes to): none of the three depends on another, so they cost the
 * exchange one round trip instead of three. A refused request answers as if they had run one by
 * one: the read's refusal (404) first, then the rate's, then the slot's; a slot it took is given
 * back. So a message to a chat that is not found counts toward the rate, as one refused for a
 * busy slot always did: both asked for the model. A reply waiting for its client is cut for the
 * slot only once the read, the rate and `checkBeforeCut` (the caller's checks under the slot,
 * given what was read) have let the request through: a refused request costs no reply the user
 * could still resume.
 */
export async function admitExchange<T>(
  userId: string,
  chatId: string,
  now: Date,
  { read = Promise.resolve(undefined as T), checkBeforeCut, startedBy }: Admission<T>,
): Promise<{ lease: Lease; found: T }> {
  const admission = admissionStarted();
  try {
    const admitted = await admitNow(userId, chatId, now, read, checkBeforeCut, startedBy);
    startingUnder(admitted.lease.token);
    return admitted;
  } finally {
    admission();
  }
}

async function admitNow<T>(
  userId: string,
  chatId: string,
  now: Date,
  read: Promise<T>,
  checkBeforeCut: Admission<T>['checkBeforeCut'],
  startedBy: Credential | undefined,
): Promise<{ lease: Lease; found: T }> {
  const [found, rate, slot] = await Promise.allSettled([
    read,
    checkMessageRate(userId, now),
    takeSlot(userId, chatId, startedBy),
  ]);
  if (found.status === 'fulfilled' && rate.status === 'fulfilled') {
    if (slot.status === 'rejected') throw slot.reason;
    const lease =
      slot.value ??
      (await yieldedSlot(userId, chatId, () => checkBeforeCut(found.value), startedBy));
    return { lease, found: found.value };
  }
  if (slot.status === 'fulfilled' && slot.value) await releaseLeaseSurely(slot.value);
  const refusal = [found, rate, slot].find((outcome) => outcome.status === 'rejected');
  throw (refusal as PromiseRejectedResult).reason;
}

/** What a request would store, as the storage caps count it (ensureRoom). */
type Room = Parameters<typeof ensureRoom>[1];

/**
 * One request's daily token budget (and that its account is not disabled) and storage caps,
 * however often it checks them: before a reply is cut for its slot, then under the slot, again
 * with an account read afresh. Budget and room are read side by side (neither depends on the other
 * and neither writes); its room is counted once on this instance, and given back when the request
 * is refused or fails before it stores anything. Checked while holding the generation slot, so at
 * most MAX_CONCURRENT_STREAMS exchanges of the user pass on totals that are already stale, which
 * bounds the overshoot of both (README "Budgets", chats.quota.ts).
 */
export class ExchangeLimits {
  private giveRoomBack: GiveRoomBack | null = null;

  constructor(
    private readonly userId: string,
    private readonly now: Date,
    /** The session or API key the reply is asked for with (Admission). */
    private readonly startedBy: Credential,
  ) {}

  /**
   * The budget, with `account` when the caller read it (see assertWithinBudget), and the room for
   * `adding` unless taken already (null: the caller takes it later, takeRoom). When both refuse,
   * the budget's answer is the one given, whichever read ends first.
   */
  async check(
    adding: Room | null,
    account?: Account | null,
    budgetOptions?: Parameters<typeof assertWithinBudget>[3],
  ): Promise<void> {
    const [budget, room] = await Promise.allSettled([
      assertWithinBudget(this.userId, this.now, account, budgetOptions),
      adding && !this.giveRoomBack ? ensureRoom(this.userId, adding) : null,
    ]);
    if (budget.status === 'rejected') {
      if (room.status === 'fulfilled') room.value?.();
      throw budget.reason;
    }
    if (room.status === 'rejected') throw room.reason;
    this.giveRoomBack ??= room.value;
  }

  /**
   * The rate and the slot (admitExchange) for this request. Refused after its limits passed (every
   * slot stayed busy), it gives back the room they took.
   */
  async admit<T>(
    chatId: string,
    admission: Omit<Admission<T>, 'startedBy'>,
  ): Promise<{ lease: Lease; found: T }> {
    try {
      return await admitExchange(this.userId, chatId, this.now, {
        ...admission,
        startedBy: this.startedBy,
      });
    } catch (error) {
      this.giveRoomBackUnstored();
      throw error;
    }
  }

  /** The room alone, unless taken already. */
  async takeRoom(adding: Room): Promise<void> {
    this.giveRoomBack ??= await ensureRoom(this.userId, adding);
  }

  /** The request stores nothing after all (refused, or failed before its messages). */
  giveRoomBackUnstored(): void {
    this.giveRoomBack?.();
    this.giveRoomBack = null;
  }
}
