import { DomainError } from '../domain/errors.js';
import { rateLimitWaitMs } from '../domain/request/rate-limit.js';
import { createRequest } from '../domain/request/create.js';
import { isCandidate } from '../domain/role/role.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Instant, Seconds } from '../domain/time.js';
import type { Caller, Deps } from './deps.js';
import { deactivateRole } from './deactivate-role.js';
import { activeUntilFor, carryOutEffects, persist } from './lifecycle.js';

export interface CreateRequestInput {
  readonly roleId: string;
  /** 0 asks to deactivate: a request of its own that ends the caller's active elevation for the role. */
  readonly ttlSeconds: Seconds;
  readonly justification: string | null;
  readonly requestedAt: Instant | null;
  readonly creationMethod: string;
}

export interface CreateRequestResult {
  /** The new request; with TTL 0, the deactivation (Closed at once), not the elevation it ended. */
  readonly request: PamRequest;
}

/** New-PAMRequest: create a request, or with TTL 0 a deactivation that ends the caller's elevation for the role. */
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
      return { request: await deactivateRole(deps, tx, caller, role, input, now) };
    }

    // After the account lock, so simultaneous creates on several nodes count each other (issue 11:
    // a new request after every few wrong codes was how codes were guessed at speed).
    const { max, windowSeconds } = deps.policy.requestRateLimit;
    const windowMs = windowSeconds * 1000;
    // Only the window's creations are read, so a person's long history costs nothing here.
    const waitMs = rateLimitWaitMs(await tx.requests.recentCreations(caller.accountId, now - windowMs, max), max, windowMs, now);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new DomainError('TooManyAttempts', `Too many requests: at most ${max} every ${windowSeconds} seconds; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
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
    return { request };
  });
}
