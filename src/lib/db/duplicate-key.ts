/**
 * True for a unique-index violation (E11000). Inserts under a unique key are the one atomic
 * claim both MongoDB and FerretDB serve, so several features race on them and read this error.
 */
export const isDuplicateKey = (error: unknown) =>
  (error as { code?: number } | null)?.code === 11000;

/**
 * The positions of the documents an unordered insertMany refused as duplicates of a unique key,
 * or null when it failed for anything else (then nothing can be told about the others).
 */
export function duplicateKeyPositions(error: unknown): Set<number> | null {
  const reported = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const writeErrors = (Array.isArray(reported) ? reported : reported ? [reported] : []) as {
    code?: number;
    index?: number;
  }[];
  if (writeErrors.length === 0 || !writeErrors.every((e) => isDuplicateKey(e))) return null;
  return new Set(writeErrors.map((e) => e.index ?? 0));
}
