import { DomainError } from '../domain/errors.js';
import { requireLastUseReviewed } from '../domain/request/break-glass.js';
import { rateLimitWaitMs } from '../domain/request/rate-limit.js';
import { draftRequest } from '../domain/request/create.js';
import { ruleMembersOf } from './auto-approve-rules.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Instant, Seconds } from '../domain/time.js';
import { isCandidate } from '../domain/role/role.js';
import { candidateGroupMembersNow } from './approver-groups.js';
import type { Caller, Deps } from './deps.js';
import { deactivateRole } from './deactivate-role.js';
import { inLifecycle } from './lifecycle.js';

export interface CreateRequestInput {
  readonly roleId: string;
  /** 0 asks to deactivate: a request of its own that ends the caller's active elevation for the role. */
  readonly ttlSeconds: Seconds;
  readonly justification: string | null;
  /** The ticket reference (TicketId), when given. */
  readonly ticketId?: string | null | undefined;
  readonly requestedAt: Instant | null;
  readonly creationMethod: string;
}

export interface CreateRequestResult {
  /** The new request; with TTL 0, the deactivation (Closed at once), not the elevation it ended. */
  readonly request: PamRequest;
}

/** New-PAMRequest: create a request, or with TTL 0 a deactivation that ends the caller's elevation for the role. */
export async function createRequestUseCase(deps: Deps, caller: Caller, input: CreateRequestInput): Promise<CreateRequestResult> {
  return inLifecycle(deps, async (lc, tx) => {
    // Before reading what the caller holds: a simultaneous create on another node must not read
    // the same "nothing held yet" and make a second elevation beside this one.
    // Through the Lifecycle, so the grant's own lock on this account later is not taken twice.
    await lc.lockAccounts([caller.accountId]);
    const now = lc.now;
    const found = await lc.findRole(input.roleId);
    // A role is only known to its candidates: anyone else gets what an unknown id gets, so
    // neither its name nor its existence leaks (GET pamroles lists only the caller's roles too).
    // Candidate groups are read from their directories now, never from a listing's cache.
    const candidateGroupMembers = found ? await candidateGroupMembersNow(deps, tx, found, caller.accountId) : undefined;
    const role = found && isCandidate(found, caller.accountId, candidateGroupMembers) ? found : undefined;
    if (!role) throw new DomainError('RoleNotFound', `There is no role with id ${input.roleId}.`);

    if (input.ttlSeconds === 0) {
      return { request: await deactivateRole(lc, caller, role, { ...input, candidateGroupMembers }) };
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
    // Break-glass: the person's last use of the role must have been reviewed (isBreakGlassUse).
    if (role.breakGlass) requireLastUseReviewed(role, (await tx.breakGlass.unreviewed({ creatorId: caller.accountId, roleIds: [role.id], limit: 1 }))[0]);
    const draft = draftRequest(
      {
        id: deps.ids.newId(),
        approvalId: deps.ids.newId(),
        creatorId: caller.accountId,
        role,
        candidateGroupMembers,
        ttlSeconds: input.ttlSeconds,
        justification: input.justification,
        ticketId: input.ticketId ?? null,
        maxTtlSeconds: deps.policy.maxTtlSeconds,
        breakGlassMaxTtlSeconds: deps.policy.breakGlassMaxTtlSeconds,
        requestedAt: input.requestedAt,
        creationMethod: input.creationMethod,
        ruleMembers: await ruleMembersOf(deps, tx, role, caller.accountId),
      },
      now,
      deps.policy.serverTimeZone,
    );
    return { request: await lc.run(draft, { kind: 'Created' }, caller.accountId) };
  });
}

