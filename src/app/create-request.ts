import { DomainError } from '../domain/errors.js';
import { createRequest } from '../domain/request/create.js';
import { isCandidate } from '../domain/role/role.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Instant, Seconds } from '../domain/time.js';
import type { Caller, Deps } from './deps.js';
import { HOLDING, activeUntilFor, advance, carryOutEffects, persist } from './lifecycle.js';

export interface CreateRequestInput {
  readonly roleId: string;
  /** 0 asks to deactivate: end the caller's active elevation for the role. */
  readonly ttlSeconds: Seconds;
  readonly justification: string | null;
  readonly requestedAt: Instant | null;
  readonly creationMethod: string;
}

export interface CreateRequestResult {
  readonly request: PamRequest;
  /** True when the call created a request; false when it deactivated an existing one. */
  readonly created: boolean;
}

/** New-PAMRequest: create a request, or with TTL 0 end the caller's elevation for the role. */
export async function createRequestUseCase(deps: Deps, caller: Caller, input: CreateRequestInput): Promise<CreateRequestResult> {
  return deps.store.transaction(async (tx) => {
    // Before reading what the caller holds: a simultaneous create on another node must not read
    // the same "nothing held yet" and make a second elevation beside this one.
    await tx.accounts.lockForChange(caller.accountId);
    const now = deps.clock.now();
    const found = await tx.roles.byId(input.roleId);
    // A role is only known to its candidates: anyone else gets what an unknown id gets, so
    // neither its name nor its existence leaks (GET pamroles lists only the caller's roles too).
    const role = found && isCandidate(found, caller.accountId) ? found : undefined;
    if (!role) throw new DomainError('RoleNotFound', `There is no role with id ${input.roleId}.`);

    if (input.ttlSeconds === 0) {
      const holding = await tx.requests.findByCreatorRole(caller.accountId, role.id, HOLDING);
      if (holding.length === 0) {
        throw new DomainError('NothingToDeactivate', `You have no active elevation for role '${role.name}' to deactivate.`);
      }
      let last: PamRequest | undefined;
      for (const r of holding) last = await advance(deps, tx, r, { kind: 'Close', reason: 'deactivated' }, caller.accountId, now);
      return { request: last!, created: false };
    }

    const activeUntil = await activeUntilFor(tx, caller.accountId, role.id, null);
    const result = createRequest(
      {
        id: deps.ids.newId(),
        approvalId: deps.ids.newId(),
        creatorId: caller.accountId,
        role,
        ttlSeconds: input.ttlSeconds,
        justification: input.justification,
        requestedAt: input.requestedAt,
        creationMethod: input.creationMethod,
      },
      {
        now,
        approvalTimeoutSeconds: deps.policy.approvalTimeoutSeconds,
        mfaTimeoutSeconds: deps.policy.mfaTimeoutSeconds,
        serverTimeZone: deps.policy.serverTimeZone,
        activeUntil,
      },
    );
    // The approval row must exist before anything reads the request's approval id.
    await persist(tx, null, result.request, caller.accountId, now, 'request.created');
    if (result.request.approvalId) {
      await tx.approvals.insert({
        id: result.request.approvalId,
        requestId: result.request.id,
        status: 'Pending',
        decidedBy: null,
        decidedAt: null,
        comment: null,
      });
    }
    const request = await carryOutEffects(deps, tx, result.request, result.effects, now);
    return { request, created: true };
  });
}
