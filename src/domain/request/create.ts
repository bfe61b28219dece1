import { DomainError } from '../errors.js';
import type { GroupMembers } from '../role/approval-stage.js';
import { matchingRule } from '../role/auto-approve.js';
import { checkWindow } from '../role/availability.js';
import { MAX_TTL_SECONDS, type Role, isCandidate } from '../role/role.js';
import type { Instant, Seconds } from '../time.js';
import { DEFAULT_BREAK_GLASS_MAX_TTL_SECONDS } from './break-glass.js';
import { checkRequiredContext } from './required-context.js';
import { type DraftRequest, type TransitionResult, apply } from './transitions.js';

export interface NewRequest {
  readonly id: string;
  readonly approvalId: string;
  readonly creatorId: string;
  readonly role: Role;
  /** What the role's candidate groups say about the creator now (read by the app from the directories). */
  readonly candidateGroupMembers?: GroupMembers | undefined;
  readonly ttlSeconds: Seconds;
  readonly justification: string | null;
  /** The ticket reference given (TicketId), or null. */
  readonly ticketId?: string | null | undefined;
  /** The server's upper bound on any activation (configuration), below any role's own. */
  readonly maxTtlSeconds?: Seconds | undefined;
  /** The server's cap on a break-glass activation (configuration `breakGlassMaxTtlSeconds`). */
  readonly breakGlassMaxTtlSeconds?: Seconds | undefined;
  /** The start asked for; null means now. */
  readonly requestedAt: Instant | null;
  readonly creationMethod: string;
  /** The requester's membership of the groups the role's auto-approval rules name (ruleGroupIdsOf), read at creation. */
  readonly ruleMembers?: GroupMembers | undefined;
}

export interface CreatePolicy {
  readonly now: Instant;
  readonly approvalTimeoutSeconds: Seconds;
  readonly mfaTimeoutSeconds: Seconds;
  readonly serverTimeZone: string;
  /** When the requester holds the role already, the end of that elevation (see TransitionContext). */
  readonly activeUntil: Instant | null;
}

/**
 * The longest activation `role` allows here, and what sets it: the role's TTL, the server's
 * maximum, or for a break-glass role the server's break-glass cap (whichever is lowest).
 */
export function ttlBound(role: Role, serverMax: Seconds = MAX_TTL_SECONDS, breakGlassMax: Seconds = DEFAULT_BREAK_GLASS_MAX_TTL_SECONDS): { max: Seconds; by: string } {
  let bound = { max: Math.min(role.ttlSeconds, MAX_TTL_SECONDS), by: `the TTL of role '${role.name}'` };
  if (serverMax < bound.max) bound = { max: serverMax, by: "the server's maximum" };
  if (role.breakGlass && breakGlassMax < bound.max) bound = { max: breakGlassMax, by: "the server's break-glass maximum" };
  return bound;
}

export function checkTtl(role: Role, ttlSeconds: Seconds, serverMax: Seconds = MAX_TTL_SECONDS, breakGlassMax?: Seconds): void {
  const { max, by } = ttlBound(role, serverMax, breakGlassMax);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > max) {
    throw new DomainError('TtlOutOfRange', `RequestedTTL must be a whole number of seconds from 1 to ${max} (${by}), or 0 to deactivate; got ${ttlSeconds}.`, { max });
  }
}

export function requireCandidate(role: Role, accountId: string, members?: GroupMembers): void {
  if (!isCandidate(role, accountId, members)) {
    // No name: the refusal must not tell a non-candidate what the role is called.
    throw new DomainError('NotCandidate', 'You are not a candidate for this role.');
  }
}

/**
 * A new request and what it sets off: the draft goes through the lifecycle table's 'Created' event,
 * so creation cannot drift from the rest of the lifecycle. A start in the past is read as "now": a
 * client's clock or a form filled in a minute ago must not be refused, and access can never begin
 * in the past.
 */
export function createRequest(n: NewRequest, p: CreatePolicy): TransitionResult {
  return apply(draftRequest(n, p.now, p.serverTimeZone), { kind: 'Created' }, {
    now: p.now,
    role: n.role,
    approvalTimeoutSeconds: p.approvalTimeoutSeconds,
    mfaTimeoutSeconds: p.mfaTimeoutSeconds,
    serverTimeZone: p.serverTimeZone,
    activeUntil: p.activeUntil,
  });
}

/** The request as asked for, checked against the role; 'Created' decides where it starts. */
export function draftRequest(n: NewRequest, now: Instant, serverTimeZone: string): DraftRequest {
  requireCandidate(n.role, n.creatorId, n.candidateGroupMembers);
  checkTtl(n.role, n.ttlSeconds, n.maxTtlSeconds, n.breakGlassMaxTtlSeconds);
  const ticketId = checkRequiredContext(n.role, n.justification, n.ticketId ?? null);
  const requestedAt = n.requestedAt !== null && n.requestedAt > now ? n.requestedAt : now;
  checkWindow(n.role.window, requestedAt, serverTimeZone);
  const asksApproval = n.role.approvalRequired && !n.role.breakGlass;
  // Rules judge the request as made: who asks, for how long, with what ticket, for when access starts.
  const rule = asksApproval
    ? matchingRule(n.role.autoApprove, { requesterId: n.creatorId, at: requestedAt, ttlSeconds: n.ttlSeconds, ticketId, members: n.ruleMembers ?? new Map() }, serverTimeZone)
    : null;
  return Object.freeze({
    id: n.id,
    creatorId: n.creatorId,
    roleId: n.role.id,
    displayName: `${n.role.name} elevation`,
    justification: n.justification === null || n.justification.trim() === '' ? null : n.justification,
    ticketId,
    breakGlass: n.role.breakGlass,
    // Only when a rule approved it, as the store reads it back.
    ...(rule && { autoApprovedBy: rule.name }),
    creationMethod: n.creationMethod,
    createdAt: now,
    requestedTtlSeconds: n.ttlSeconds,
    requestedAt,
    status: 'New',
    startedAt: null,
    expiresAt: null,
    pendingUntil: null,
    endReason: null,
    endedAt: null,
    endNote: null,
    // A break-glass request asks nobody: it is reviewed afterwards instead. One a rule approved
    // asks nobody either: the rule is its approval, recorded on the request.
    approvalId: asksApproval && rule === null ? n.approvalId : null,
    version: 0,
  });
}
