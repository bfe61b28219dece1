import type { AuditEntry } from '../domain/audit/audit-entry.js';
import type { Effect } from '../domain/request/effect.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Instant } from '../domain/time.js';

/**
 * The audit records of the lifecycle, built in one place so the row-by-row engine and the batch
 * paths write exactly the same records for the same change.
 */

/** A request's transition (or its creation, when `before` is null). */
export function transitionEntry(before: PamRequest | null, after: PamRequest, actorId: string | null, now: Instant, action: string): AuditEntry {
  return {
    at: now,
    actorId,
    action,
    targetType: 'request',
    targetId: after.id,
    requestId: after.id,
    before: before && { status: before.status, expiresAt: before.expiresAt },
    after: { status: after.status, expiresAt: after.expiresAt, endReason: after.endReason },
  };
}

/** A membership added or removed on behalf of request `r`. */
export function membershipEntry(r: PamRequest, kind: Effect['kind'], group: string, login: string, now: Instant): AuditEntry {
  return {
    at: now,
    actorId: null,
    action: kind === 'grant' ? 'membership.added' : 'membership.removed',
    targetType: 'membership',
    targetId: `${group}/${login}`,
    requestId: r.id,
    before: null,
    after: { group, account: login },
  };
}
