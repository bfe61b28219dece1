import type { RetryState } from '../../../ports/store.js';
import type { RetryColumns } from './schema.js';

// The retry columns as the ports see them: shared by the outbox and the notification deliveries.
export const toRetryState = (r: RetryColumns): RetryState => ({
  createdAt: Number(r.created_at),
  attempts: r.attempts,
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
  doneAt: r.done_at === null ? null : Number(r.done_at),
  claimedUntil: r.claimed_until === null ? null : Number(r.claimed_until),
});
