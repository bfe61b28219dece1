import { DomainError } from '../domain/errors.js';
import { settle } from '../domain/request/approval.js';
import type { PamRequest } from '../domain/request/request.js';
import type { StoreTx } from '../ports/store.js';
import type { Caller, Deps } from './deps.js';
import { advance } from './lifecycle.js';

/**
 * Close-PAMRequest: the creator ends their own request, pending or active. Someone else's request
 * is reported as not found, so ids cannot be probed.
 */
export async function closeRequestUseCase(deps: Deps, caller: Caller, requestId: string): Promise<PamRequest> {
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const r = await tx.requests.byId(requestId);
    if (!r || r.creatorId !== caller.accountId) {
      throw new DomainError('RequestNotFound', `You have no request with id ${requestId}.`);
    }
    const closed = await advance(deps, tx, r, { kind: 'Close', reason: 'closed' }, caller.accountId, now);
    await settleApproval(tx, closed, 'Cancelled', now, caller.accountId);
    return closed;
  });
}

/** A request that ended without a decision leaves its approval object settled, not pending forever. */
export async function settleApproval(
  tx: StoreTx,
  r: PamRequest,
  status: 'Cancelled' | 'Expired',
  now: number,
  actorId: string | null,
): Promise<void> {
  if (!r.approvalId) return;
  const a = await tx.approvals.byId(r.approvalId);
  if (!a || a.status !== 'Pending') return;
  const settled = settle(a, status, now);
  await tx.approvals.update(settled);
  await tx.audit.append({
    at: now,
    actorId,
    action: `approval.${status.toLowerCase()}`,
    targetType: 'approval',
    targetId: a.id,
    requestId: r.id,
    before: { status: a.status },
    after: { status: settled.status },
  });
}
