/**
 * Work that must not be lost when the database is away for a moment (a ledger entry, a half-made
 * chat's removal, the rest of an account's deletion), tried again in the background after its
 * first attempt failed: every `everyMs` until it succeeds, or until `forMs` after this call has
 * passed, when `gaveUp` gets the last error. The caller makes (and logs) the first attempt; the
 * retries keep nothing alive (their timers are unref'd).
 */
export function retryInBackground(
  attempt: () => Promise<unknown>,
  {
    everyMs,
    forMs,
    succeeded = () => {},
    gaveUp,
  }: {
    everyMs: number;
    forMs: number;
    succeeded?: () => void;
    gaveUp: (error: unknown) => void;
  },
): void {
  const giveUpAt = Date.now() + forMs;
  const retry = () => {
    attempt().then(succeeded, (error: unknown) => {
      if (Date.now() + everyMs < giveUpAt) setTimeout(retry, everyMs).unref();
      else gaveUp(error);
    });
  };
  setTimeout(retry, everyMs).unref();
}
