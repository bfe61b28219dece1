import { type BreakGlassReview, review } from '../domain/request/break-glass.js';
import { DomainError } from '../domain/errors.js';
import type { PamRequest, RequestStatus } from '../domain/request/request.js';
import { approverGroupIdsOf } from '../domain/role/approval-stage.js';
import { type Role, isApprover } from '../domain/role/role.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../ports/store.js';
import { requireAdmin } from './admin/require-admin.js';
import { readGroupMembers } from './approver-groups.js';
import type { Caller, Deps } from './deps.js';
import { roleOf } from './lifecycle.js';

/** At most this many uses in one listing: a banner, not a report (the audit trail has them all). */
export const BREAK_GLASS_LIST_LIMIT = 500;

/** One break-glass use waiting for its review. */
export interface BreakGlassUseView {
  readonly requestId: string;
  readonly roleId: string;
  readonly roleName: string;
  readonly requester: { readonly login: string; readonly displayName: string };
  readonly status: RequestStatus;
  readonly createdAt: Instant;
  readonly startedAt: Instant | null;
  readonly expiresAt: Instant | null;
  readonly justification: string | null;
  readonly ticketId: string | null;
}

export interface BreakGlassReviewView {
  readonly requestId: string;
  readonly reviewer: string;
  readonly reviewedAt: Instant;
  readonly comment: string;
}

async function viewUses(tx: StoreTx, uses: readonly PamRequest[], roles: ReadonlyMap<string, Role>): Promise<BreakGlassUseView[]> {
  const people = new Map((await tx.accounts.byIds([...new Set(uses.map((u) => u.creatorId))])).map((a) => [a.id, a]));
  return uses.map((u) => {
    const who = people.get(u.creatorId);
    return {
      requestId: u.id,
      roleId: u.roleId,
      roleName: roles.get(u.roleId)?.name ?? u.roleId,
      requester: { login: who?.login ?? u.creatorId, displayName: who?.displayName ?? u.creatorId },
      status: u.status,
      createdAt: u.createdAt,
      startedAt: u.startedAt,
      expiresAt: u.expiresAt,
      justification: u.justification,
      ticketId: u.ticketId,
    };
  });
}

async function rolesOf(tx: StoreTx, uses: readonly PamRequest[]): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  for (const u of uses) if (!roles.has(u.roleId)) roles.set(u.roleId, await roleOf(tx, u));
  return roles;
}

/** Administrators: every break-glass use not yet reviewed, newest first (the portal's banner). */
export function listUnreviewedBreakGlass(deps: Deps, caller: Caller): Promise<BreakGlassUseView[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const uses = await tx.breakGlass.unreviewed({ limit: BREAK_GLASS_LIST_LIMIT });
    return viewUses(tx, uses, await rolesOf(tx, uses));
  });
}

/** An approver: the unreviewed uses of roles they approve, other than their own, newest first. */
export function listBreakGlassToReview(deps: Deps, caller: Caller): Promise<BreakGlassUseView[]> {
  return deps.store.read(async (tx) => {
    const all = await tx.breakGlass.unreviewed({ limit: BREAK_GLASS_LIST_LIMIT });
    const roles = await rolesOf(tx, all);
    const mine = new Set<string>();
    for (const role of roles.values()) {
      const members = await readGroupMembers(deps, tx, approverGroupIdsOf(role), [caller.accountId]);
      if (isApprover(role, caller.accountId, members)) mine.add(role.id);
    }
    return viewUses(tx, all.filter((u) => mine.has(u.roleId) && u.creatorId !== caller.accountId), roles);
  });
}

/** One of the role's approvers reviews a use; the requester may then use the role again. */
export async function reviewBreakGlass(deps: Deps, caller: Caller, requestId: string, comment: string): Promise<BreakGlassReviewView> {
  return deps.store.transaction(async (tx) => {
    const r = await tx.requests.byId(requestId);
    if (!r) throw new DomainError('RequestNotFound', `There is no break-glass use ${requestId} for you to review.`);
    const role = await roleOf(tx, r);
    // Membership read again now, as for every decision (never the listing's cache).
    const members = await readGroupMembers(deps, tx, approverGroupIdsOf(role), [caller.accountId]);
    const done: BreakGlassReview = review(role, r, caller.accountId, comment, deps.clock.now(), members, await tx.breakGlass.reviewOf(r.id));
    await tx.breakGlass.addReview(done);
    await tx.audit.append({
      at: done.reviewedAt,
      actorId: caller.accountId,
      action: 'request.break-glass-reviewed',
      targetType: 'request',
      targetId: r.id,
      requestId: r.id,
      before: null,
      after: { role: role.name, requester: r.creatorId, comment: done.comment },
    });
    return { requestId: r.id, reviewer: caller.login, reviewedAt: done.reviewedAt, comment: done.comment };
  });
}
