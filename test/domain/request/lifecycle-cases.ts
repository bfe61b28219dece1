/** The lifecycle table as the transition tests see it: every status, one event of each kind, a request in each status. Not a test file itself. */
import type { NotificationKind } from '../../../src/domain/notify/notification.js';
import type { Effect } from '../../../src/domain/request/effect.js';
import { type PamRequest, REQUEST_STATUSES } from '../../../src/domain/request/request.js';
import {
  type DraftRequest,
  type LifecycleStatus,
  type RequestEvent,
  type RequestEventKind,
  type Subject,
} from '../../../src/domain/request/transitions.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, T0, ctx, request } from '../fixtures.js';

/**
 * The lifecycle written out by hand, independently of TRANSITIONS, so that a change to the table
 * (an event added to or dropped from a status) fails here until this copy is changed on purpose.
 */
/** A notification the transition asks for (issue 15). */
export const notice = (event: NotificationKind, notBefore?: number): Effect =>
  notBefore === undefined ? { kind: 'notify', event, requestId: 'req-1' } : { kind: 'notify', event, requestId: 'req-1', notBefore };

export const ALLOWED: Readonly<Record<LifecycleStatus, readonly RequestEventKind[]>> = {
  New: ['Created'],
  PendingMFA: ['MfaPassed', 'MfaFailed', 'Close', 'TimedOut'],
  PendingApproval: ['Approved', 'Rejected', 'Close', 'TimedOut'],
  Scheduled: ['StartDue', 'Close'],
  Processing: ['GrantConfirmed', 'Close'],
  Active: ['Close', 'ExpiryDue'],
  Closing: ['RevokeConfirmed'],
  Closed: [],
  Expired: [],
  Rejected: [],
};

/** One event of every kind; `satisfies` makes adding a kind to RequestEvent a compile error here. */
export const EVENTS = {
  Created: { kind: 'Created' },
  MfaPassed: { kind: 'MfaPassed' },
  MfaFailed: { kind: 'MfaFailed' },
  Approved: { kind: 'Approved' },
  Rejected: { kind: 'Rejected' },
  StartDue: { kind: 'StartDue' },
  GrantConfirmed: { kind: 'GrantConfirmed' },
  Close: { kind: 'Close', reason: 'closed' },
  ExpiryDue: { kind: 'ExpiryDue' },
  RevokeConfirmed: { kind: 'RevokeConfirmed' },
  TimedOut: { kind: 'TimedOut' },
} as const satisfies { readonly [K in RequestEventKind]: Extract<RequestEvent, { kind: K }> };
export const EVENT_KINDS = Object.keys(EVENTS) as RequestEventKind[];

/** A plausible request in each status, with every deadline at or before T0 + 1 day. */
export const IN_STATUS: Readonly<Record<LifecycleStatus, Subject>> = {
  New: { ...request({ version: 0 }), status: 'New' } satisfies DraftRequest,
  PendingMFA: request({ status: 'PendingMFA', pendingUntil: T0 + 5 * MINUTE_MS }),
  PendingApproval: request({ status: 'PendingApproval', pendingUntil: T0 + DAY_MS, approvalId: 'apr-1' }),
  Scheduled: request({ status: 'Scheduled', requestedAt: T0 + HOUR_MS }),
  Processing: request({ status: 'Processing', startedAt: T0, expiresAt: T0 + HOUR_MS }),
  Active: request({ status: 'Active', startedAt: T0, expiresAt: T0 + HOUR_MS }),
  Closing: request({ status: 'Closing', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'closed' }),
  Closed: request({ status: 'Closed', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'closed', endedAt: T0 + HOUR_MS }),
  Expired: request({ status: 'Expired', startedAt: T0, expiresAt: T0 + HOUR_MS, endReason: 'expired', endedAt: T0 + HOUR_MS }),
  Rejected: request({ status: 'Rejected', endReason: 'rejected', endedAt: T0 }),
};

/** Every state of the table: MIM's, and 'New' for a request being made. */
export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['New', ...REQUEST_STATUSES];

/** Late enough that every timed event above is due, so only the table decides. */
export const LATE = ctx({ now: T0 + 2 * DAY_MS });
/** Decisions (an MFA pass, an approval) count only before their deadline. */
export const DECISIONS: readonly RequestEventKind[] = ['MfaPassed', 'Approved'];
export const ON_TIME = ctx({ now: T0 });
export const when = (kind: RequestEventKind) => (DECISIONS.includes(kind) ? ON_TIME : LATE);

export function grant(r: PamRequest): Effect {
  return { kind: 'grant', requestId: r.id, accountId: r.creatorId, roleId: r.roleId };
}
export function revoke(r: PamRequest): Effect {
  return { kind: 'revoke', requestId: r.id, accountId: r.creatorId, roleId: r.roleId };
}
