import type { Instant } from '../../domain/time.js';

/** Where a piece of queued work (a directory change, a notification's copy to one receiver) stands in its retries. */
export interface RetryState {
  readonly createdAt: Instant;
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  readonly lastError: string | null;
  readonly doneAt: Instant | null;
  /** A worker claimed it until then; after it, another node may take it over. */
  readonly claimedUntil: Instant | null;
}
