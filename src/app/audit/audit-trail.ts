import { type AuditAction, REQUEST_EVENT_ACTIONS } from '../../domain/audit/actions.js';
import type { AuditEntry } from '../../domain/audit/audit-entry.js';
import type { PamRequest } from '../../domain/request/request.js';
import type { RequestEventKind } from '../../domain/request/transitions.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';

/** What every record about a request or its approval says besides its target. */
interface Happened {
  readonly at: Instant;
  /** Who caused it; null for the system (the scheduler, a directory's confirmation). */
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly before: unknown;
  readonly after: unknown;
}

/** Records something that happened to a request. */
export function auditRequest(tx: StoreTx, requestId: string, e: Happened): Promise<unknown> {
  return tx.audit.append({ ...e, targetType: 'request', targetId: requestId, requestId });
}

/** Records something that happened to a request's approval. */
export function auditApproval(tx: StoreTx, approvalId: string, requestId: string, e: Happened): Promise<unknown> {
  return tx.audit.append({ ...e, targetType: 'approval', targetId: approvalId, requestId });
}

/**
 * A request's transition (its creation when `before` is null), as the row-by-row lifecycle and the
 * set-based expiry both record it: the same change gives the same record whichever path made it.
 */
export function transitionEntry(
  before: Pick<PamRequest, 'status' | 'expiresAt'> | null,
  after: PamRequest,
  event: RequestEventKind,
  actorId: string | null,
  now: Instant,
): AuditEntry {
  return {
    at: now,
    actorId,
    action: REQUEST_EVENT_ACTIONS[event],
    targetType: 'request',
    targetId: after.id,
    requestId: after.id,
    before: before && { status: before.status, expiresAt: before.expiresAt },
    // The ticket a request was made under is part of its record from the first entry on.
    after: {
      status: after.status,
      expiresAt: after.expiresAt,
      endReason: after.endReason,
      ...(event === 'Created' && after.ticketId !== null && { ticketId: after.ticketId }),
      // The rule that approved it stands in for an approver's decision: named where the request begins.
      ...(event === 'Created' && after.autoApprovedBy != null && { autoApprovedBy: after.autoApprovedBy }),
      // Break-glass is loud: every entry of such a request says so, not only its creation.
      ...(after.breakGlass && { breakGlass: true }),
    },
  };
}

/** A membership added or removed on behalf of request `requestId`. */
export function membershipEntry(requestId: string, kind: 'grant' | 'revoke', group: string, login: string, now: Instant): AuditEntry {
  return {
    at: now,
    actorId: null,
    action: kind === 'grant' ? 'membership.added' : 'membership.removed',
    targetType: 'membership',
    targetId: `${group}/${login}`,
    requestId,
    before: null,
    after: { group, account: login },
  };
}

/** What an elevation's end at its expiry did to its groups, by name. */
export interface ExpiryGroups {
  /** Removed from the account. */
  readonly removed: readonly string[];
  /** Left in place: another Processing or Active elevation of the same account still grants them. */
  readonly kept: readonly string[];
}

/**
 * An elevation ended at its expiry by the set-based expiry, in one record: the row-by-row engine
 * tells the same story in three or more (`request.expiry-reached`, a `membership.removed` per
 * group, `request.revoke-confirmed`), which at 100,000 expiries was a third of the batch's writes.
 * Its lateness is measured when the end is written (the scheduler's figure runs to the commit).
 */
export function expiryEntry(before: PamRequest, after: PamRequest, login: string, groups: ExpiryGroups, now: Instant): AuditEntry {
  return {
    at: now,
    actorId: null,
    action: 'request.expired',
    targetType: 'request',
    targetId: after.id,
    requestId: after.id,
    before: { status: before.status, expiresAt: before.expiresAt },
    after: {
      status: after.status,
      endReason: after.endReason,
      account: login,
      removed: groups.removed,
      ...(groups.kept.length > 0 && { kept: groups.kept }),
      latenessMs: before.expiresAt === null ? 0 : Math.max(0, now - before.expiresAt),
      ...(after.breakGlass && { breakGlass: true }),
    },
  };
}
