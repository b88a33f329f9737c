/**
 * True for a unique-index violation (E11000). Inserts under a unique key are the one atomic
 * claim both MongoDB and FerretDB serve, so several features race on them and read this error.
 */
export const isDuplicateKey = (error: unknown) =>
  (error as { code?: number } | null)?.code === 11000;
