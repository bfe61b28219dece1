import type { GroupMembers } from '../domain/role/approval-stage.js';
import { DomainError } from '../domain/errors.js';
import { createDeactivation } from '../domain/request/deactivation.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Role } from '../domain/role/role.js';
import { auditRequest } from './audit/audit-trail.js';
import type { Caller } from './deps.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * New-PAMRequest with TTL 0, inside the create's transaction: stores the deactivation as a request
 * of its own (answered to the caller, listed in their history) and ends every elevation of the
 * role the caller holds, as Close does. Pending requests are left alone: Close cancels those.
 */
export async function deactivateRole(
  lc: Lifecycle,
  caller: Caller,
  role: Role,
  input: { readonly justification: string | null; readonly creationMethod: string; readonly candidateGroupMembers?: GroupMembers | undefined },
): Promise<PamRequest> {
  const { deps, tx, now } = lc;
  const deactivation = createDeactivation(
    { id: deps.ids.newId(), creatorId: caller.accountId, role, candidateGroupMembers: input.candidateGroupMembers, justification: input.justification, creationMethod: input.creationMethod },
    now,
  );
  // A copy: each close below takes its request out of the live list.
  const holding = [...(await lc.holding(caller.accountId, role.id))];
  if (holding.length === 0) {
    throw new DomainError('NothingToDeactivate', `You have no active elevation for role '${role.name}' to deactivate.`);
  }
  await tx.requests.insert(deactivation);
  await auditRequest(tx, deactivation.id, {
    at: now,
    actorId: caller.accountId,
    action: 'request.created',
    before: null,
    // Which elevations it ended, so the trail links the two requests.
    after: { status: deactivation.status, requestedTtlSeconds: 0, endReason: deactivation.endReason, deactivates: holding.map((r) => r.id) },
  });
  for (const r of holding) await lc.run(r, { kind: 'Close', reason: 'deactivated' }, caller.accountId);
  return deactivation;
}
