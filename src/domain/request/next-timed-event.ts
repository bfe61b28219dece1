import { assertNever } from '../errors.js';
import type { Instant } from '../time.js';
import type { PamRequest } from './request.js';
import type { RequestEvent } from './transitions.js';

/** What time alone will do to a request, and when. */
export interface TimedEvent {
  readonly at: Instant;
  readonly event: RequestEvent;
}

function at(instant: Instant | null, event: RequestEvent): TimedEvent | null {
  return instant === null ? null : { at: instant, event };
}

/**
 * The next instant at which time alone changes `r`, and the event it sends then; null when only
 * someone's action (or a directory's confirmation) can move it. The store indexes `at` as the
 * request's due time, so the durable scheduler finds exactly these. Exhaustive on purpose: a new
 * status does not compile until it says whether it times out.
 */
export function nextTimedEvent(r: PamRequest): TimedEvent | null {
  switch (r.status) {
    case 'PendingMFA':
    case 'PendingApproval':
      return at(r.pendingUntil, { kind: 'TimedOut' });
    case 'Scheduled':
      return at(r.requestedAt, { kind: 'StartDue' });
    case 'Active':
      return at(r.expiresAt, { kind: 'ExpiryDue' });
    // Waiting on a directory: the outbox, not the clock, moves these.
    case 'Processing':
    case 'Closing':
    // Terminal.
    case 'Closed':
    case 'Expired':
    case 'Rejected':
      return null;
  }
  // No default: every status is listed above, so this only compiles while that stays true.
  return assertNever(r.status);
}
