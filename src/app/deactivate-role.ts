import { DomainError } from '../domain/errors.js';
import { createDeactivation } from '../domain/request/deactivation.js';
import { HOLDING, type PamRequest } from '../domain/request/request.js';
import type { Role } from '../domain/role/role.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../ports/store.js';
import type { Caller, Deps } from './deps.js';
import { advance } from './lifecycle.js';

/**
 * New-PAMRequest with TTL 0, inside the create's transaction: stores the deactivation as a request
 * of its own (answered to the caller, listed in their history) and ends every elevation of the
 * role the caller holds, as Close does. Pending requests are left alone: Close cancels those.
 */
export async function deactivateRole(
  deps: Deps,
  tx: StoreTx,
  caller: Caller,
  role: Role,
  input: { readonly justification: string | null; readonly creationMethod: string },
  now: Instant,
): Promise<PamRequest> {
  const deactivation = createDeactivation(
    { id: deps.ids.newId(), creatorId: caller.accountId, role, justification: input.justification, creationMethod: input.creationMethod },
    now,
  );
  const holding = await tx.requests.findByCreatorRole(caller.accountId, role.id, HOLDING);
  if (holding.length === 0) {
    throw new DomainError('NothingToDeactivate', `You have no active elevation for role '${role.name}' to deactivate.`);
  }
  await tx.requests.insert(deactivation);
  await tx.audit.append({
    at: now,
    actorId: caller.accountId,
    action: 'request.created',
    targetType: 'request',
    targetId: deactivation.id,
    requestId: deactivation.id,
    before: null,
    // Which elevations it ended, so the trail links the two requests.
    after: { status: deactivation.status, requestedTtlSeconds: 0, endReason: deactivation.endReason, deactivates: holding.map((r) => r.id) },
  });
  for (const r of holding) await advance(deps, tx, r, { kind: 'Close', reason: 'deactivated' }, caller.accountId, now);
  return deactivation;
}
