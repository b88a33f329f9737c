import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import bcrypt from 'bcrypt';
import { config } from '../../lib/config.js';
import { AppError, ClientGoneError } from '../../lib/errors.js';
import { whenClosed } from '../../lib/http/response-closed.js';

/**
 * bcrypt runs on libuv's thread pool (4 threads by default). Capping concurrent hashes below that
 * keeps threads free for DNS, file and crypto work during a login storm. The queue behind them is
 * bounded too: past BCRYPT_MAX_QUEUE waiting checks, a request is turned away at once rather than
 * waiting seconds (at cost 12, each place in the queue is a quarter of a second for everyone).
 * Who may take places is decided before (password-gate.ts): one check per account, a few per address.
 */
let running = 0;
const waiting: (() => void)[] = [];

/**
 * The request a password check is made for, as the gate admitted it (password-gate.ts). A check
 * whose client has gone before its turn is not made, and one waiting for its turn leaves the queue
 * when its client goes: nobody would read the answer, and everyone behind it would wait for it.
 * A check already running cannot be stopped (bcrypt runs to its end on its thread), so the gate's
 * places are given back only once the client has gone and none of its checks runs: a client that
 * hangs up right after the gate does not get its place back before its check is over.
 */
export class PasswordClaim {
  private gone = false;
  private running = 0;
  /** Takes the waiting check out of the queue (set while one waits). */
  private withdraw: (() => void) | null = null;
  private readonly releases: (() => void)[] = [];

  constructor(res: ServerResponse) {
    whenClosed(res, () => {
      this.gone = true;
      this.withdraw?.();
      this.releaseIfOver();
    });
  }

  get clientGone(): boolean {
    return this.gone;
  }

  /** Calls `release` once the client has gone and no check of it runs. */
  whenOver(release: () => void): void {
    this.releases.push(release);
    this.releaseIfOver();
  }

  /** Runs `next` (the rest of the request) with this claim for the checks it makes. */
  run(next: () => void): void {
    claims.run(this, next);
  }

  waitingWith(withdraw: (() => void) | null): void {
    this.withdraw = withdraw;
  }

  checkStarted(): void {
    this.running += 1;
  }

  checkEnded(): void {
    this.running -= 1;
    this.releaseIfOver();
  }

  private releaseIfOver(): void {
    if (!this.gone || this.running > 0) return;
    for (const release of this.releases.splice(0)) release();
  }
}

const claims = new AsyncLocalStorage<PasswordClaim>();

/** Waits for a turn to hash; throws at once when the queue is full or the client has gone. */
function takeTurn(claim: PasswordClaim | undefined): Promise<void> | void {
  const c = config();
  if (claim?.clientGone) throw new ClientGoneError();
  if (running < c.BCRYPT_MAX_CONCURRENCY) {
    running += 1;
    return;
  }
  if (waiting.length >= c.BCRYPT_MAX_QUEUE)
    throw new AppError('SERVER_BUSY', 'The server is busy checking passwords; retry shortly', {
      headers: { 'Retry-After': '1' },
    });
  return new Promise<void>((resolve, reject) => {
    const turn = () => {
      claim?.waitingWith(null);
      resolve();
    };
    waiting.push(turn);
    claim?.waitingWith(() => {
      waiting.splice(waiting.indexOf(turn), 1);
      claim.waitingWith(null);
      reject(new ClientGoneError());
    });
  });
}

/** Hands the turn to the next check waiting, if any. */
function passTurn(): void {
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  const claim = claims.getStore();
  await takeTurn(claim);
  claim?.checkStarted();
  try {
    // Its client went while the turn was handed to it: the turn goes on to the next.
    if (claim?.clientGone) throw new ClientGoneError();
    return await work();
  } finally {
    claim?.checkEnded();
    passTurn();
  }
}

/**
 * The form a password is hashed and checked in: NFKC (NIST SP 800-63B asks verifiers to normalise),
 * so the same typed password matches whether a keyboard or password manager sends "ü" composed or
 * as u and a combining mark, or an IME sends full-width letters. Kept as typed when that form is
 * past the 72 bytes bcrypt reads (a few characters normalise to several), so nothing is cut.
 */
function normalised(password: string): string {
  const form = password.normalize('NFKC');
  return Buffer.byteLength(form, 'utf8') <= 72 ? form : password;
}

export const hashPassword = (password: string) =>
  withSlot(() => bcrypt.hash(normalised(password), config().bcryptCost));

/**
 * Whether `password` is the one `hash` was made of. Passwords set before they were normalised were
 * hashed as typed: one typed in another form than its normal one is compared as typed too, in the
 * same turn (so an unknown email, compared against a dummy, costs the same).
 */
export const verifyPassword = (password: string, hash: string) =>
  withSlot(async () => {
    const form = normalised(password);
    if (await bcrypt.compare(form, hash)) return true;
    return form !== password && bcrypt.compare(password, hash);
  });

// Compared against when the email is unknown, so both cases cost the same bcrypt compares.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= bcrypt.hash('not-a-real-password', config().bcryptCost);
  await verifyPassword(password, await dummyHash);
}

/** How many password checks wait for a turn now (diagnostics and tests). */
export const passwordChecksWaiting = (): number => waiting.length;
