import { DomainError } from '../domain/errors.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Caller, Deps } from './deps.js';
import { inLifecycle } from './lifecycle.js';

/**
 * Close-PAMRequest: the creator ends their own request, pending or active. Someone else's request
 * is reported as not found, so ids cannot be probed. A pending approval is settled as Cancelled by
 * the transition itself.
 */
export async function closeRequestUseCase(deps: Deps, caller: Caller, requestId: string): Promise<PamRequest> {
  return inLifecycle(deps, async (lc, tx) => {
    const r = await tx.requests.byId(requestId);
    if (!r || r.creatorId !== caller.accountId) {
      throw new DomainError('RequestNotFound', `You have no request with id ${requestId}.`);
    }
    return lc.run(r, { kind: 'Close', reason: 'closed' }, caller.accountId);
  });
}
