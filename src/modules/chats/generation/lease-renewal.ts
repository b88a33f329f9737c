import { config } from '../../../lib/config.js';
import { logger } from '../../../lib/logger.js';
import { Renewal } from '../../../lib/renewal.js';
import { renewLeases, type Lease } from './leases.js';
import { interruptGeneration } from './registry.js';

/**
 * Keeps the leases of this process's running generations alive: one renewal for all of them every
 * third of the lease time (one timer and one database write per period, whatever the number of
 * streams), so a lease is renewed at least twice before it could lapse. A crashed instance stops
 * renewing, so its leases lapse and another instance may take the user's slots over.
 */
/** The leases held, by token (a token names one lease: see leases.ts renewLeases). */
const held: Renewal<Lease> = new Renewal(
  () => (config().GENERATION_LEASE_SECONDS * 1000) / 3,
  (leases) =>
    renewLeases(leases)
      .then((lost) => {
        // Taken while this process stalled past it: its generation is no longer counted among
        // its user's slots, and the interrupted sweep may have finished its reply already.
        for (const lease of lost) {
          if (held.get(lease.token) !== lease) continue;
          logger.warn({ chatId: lease.chatId }, 'lease taken while it lapsed; cutting its reply');
          held.delete(lease.token);
          interruptGeneration(lease.token);
        }
      })
      .catch((err: unknown) => logger.warn({ err }, 'lease renewal failed')),
);

export function keepLeaseAlive(lease: Lease): void {
  held.add(lease.token, lease);
}

export function stopRenewing(lease: Lease): void {
  held.delete(lease.token);
}

/** Whether this process renews the lease of this token (tests, diagnostics). */
export const isRenewing = (token: string) => held.has(token);
