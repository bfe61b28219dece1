import type { GroupMembers } from '../role/approval-stage.js';
import type { Role } from '../role/role.js';
import type { Instant } from '../time.js';
import { requireCandidate } from './create.js';
import type { PamRequest } from './request.js';

export interface NewDeactivation {
  readonly id: string;
  readonly creatorId: string;
  readonly role: Role;
  /** What the role's candidate groups say about the creator now (read by the app). */
  readonly candidateGroupMembers?: GroupMembers | undefined;
  readonly justification: string | null;
  readonly creationMethod: string;
}

/**
 * MIM's deactivation (New-PAMRequest with RequestedTTL 0) is a request of its own: the sample
 * portal lists it in the history with "Deactivate" as its timeout, beside the elevation it ended.
 * It grants nothing and is done the moment it is made, so it is born Closed, with no start and no
 * expiration: a listing of active roles (`ExpirationTime gt datetime'<now>'`) can never count it,
 * whatever the client's clock says. The elevations it ends are closed by the caller, as Close does.
 */
export function createDeactivation(n: NewDeactivation, now: Instant): PamRequest {
  requireCandidate(n.role, n.creatorId, n.candidateGroupMembers);
  return Object.freeze({
    id: n.id,
    creatorId: n.creatorId,
    roleId: n.role.id,
    displayName: `${n.role.name} deactivation`,
    justification: n.justification === null || n.justification.trim() === '' ? null : n.justification,
    // Ending access never needs the role's required context (a ticket, a justification).
    ticketId: null,
    breakGlass: false,
    creationMethod: n.creationMethod,
    createdAt: now,
    requestedTtlSeconds: 0,
    // Deactivation is immediate: a start time sent with it (the sample portal may send the
    // activation form's) does not postpone it.
    requestedAt: now,
    status: 'Closed',
    startedAt: null,
    expiresAt: null,
    pendingUntil: null,
    endReason: 'deactivated',
    endNote: null,
    endedAt: now,
    approvalId: null,
    version: 1,
  });
}
