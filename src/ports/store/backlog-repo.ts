import type { Instant } from '../../domain/time.js';

/** How far behind the revocation machinery is right now: the figures an operator alerts on. */
export interface Backlog {
  readonly openGrants: number;
  readonly openRevokes: number;
  /** Open jobs whose last attempt failed. */
  readonly failingJobs: number;
  /**
   * When the most overdue unconfirmed revoke should have taken effect (its request's expiry, or when
   * it was closed); null when every revoke has been confirmed.
   */
  readonly oldestUnconfirmedRevokeAt: Instant | null;
  /** The earliest expiry that has passed while its elevation is still Active (not yet handled). */
  readonly oldestUnhandledExpiryAt: Instant | null;
  /** Time-driven steps (starts, expiries, timeouts) due at or before `now` and not yet done. */
  readonly dueRequests: number;
  /** The earliest of those. */
  readonly oldestDueAt: Instant | null;
}

/** The backlog, read in one go. */
export interface BacklogRepo {
  /** The figures as of `now`. */
  snapshot(now: Instant): Promise<Backlog>;
}
