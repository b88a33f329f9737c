/**
 * Usage is counted per UTC day ("YYYY-MM-DD"): every instance agrees on the day without
 * configuration, and daily budgets reset at 00:00 UTC.
 */
const DAY_MS = 86_400_000;

export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

/** The instant the day of `date` ends (the next 00:00 UTC): when a daily budget resets. */
export const endOfDay = (date: Date): Date =>
  new Date(Math.floor(date.getTime() / DAY_MS + 1) * DAY_MS);

/** `day` moved by `days` (negative for earlier). */
export const addDays = (day: string, days: number): string =>
  dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

/** Whole days from `from` to `to` (0 when equal). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
