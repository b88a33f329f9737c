import { describe, expect, it } from 'vitest';
import { hit, RateLimitSlot } from '../../src/lib/rate-limit/mongo-store.js';
import { useTestApp } from '../helpers/app.js';

/**
 * Rate counters (src/lib/rate-limit/mongo-store.ts) live in the database, one document per hit of
 * a window. A hit is stamped when its request arrives and counted a moment later, so near the end
 * of a window another request may already have started the next one (and cleared old windows).
 */
useTestApp();

const MINUTE = 60_000;
/** A window of a minute, and instants near its end and just after it. */
const windowEndingAt = Math.ceil(Date.now() / MINUTE) * MINUTE + 10 * MINUTE;
const lateInWindow = new Date(windowEndingAt - 5);
const justAfter = new Date(windowEndingAt + 5);

describe('rate windows that just ended', () => {
  it('when a hit stamped in a full window counts after another hit started the next window, then it still finds the window full (the just-ended window is not cleared)', async () => {
    const key = `messages:ended-window-${Math.random()}`;
    expect((await hit(key, MINUTE, lateInWindow, 2)).hits).toBe(1);
    expect((await hit(key, MINUTE, lateInWindow, 2)).hits).toBe(2);
    // The first hit of the next window, of any key, clears ended windows.
    expect((await hit(`other:${Math.random()}`, MINUTE, justAfter, 2)).hits).toBe(1);
    // A request that arrived before the window ended, counted only now: the third of its window.
    expect((await hit(key, MINUTE, lateInWindow, 2)).hits).toBe(3);
  });

  it('when the next window starts a minute or more after one ended, then that one is cleared', async () => {
    const key = `messages:old-window-${Math.random()}`;
    await hit(key, MINUTE, lateInWindow, 2);
    expect(await RateLimitSlot.countDocuments({ key })).toBe(1);
    await hit(`other:${Math.random()}`, MINUTE, new Date(windowEndingAt + MINUTE), 2);
    expect(await RateLimitSlot.countDocuments({ key })).toBe(0);
  });
});
