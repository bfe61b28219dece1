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
import type { MfaKit, MfaProof } from './mfa/mfa-kit.js';
import { checkReviewStepUp } from './mfa/step-up.js';

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
  /** The step-up the reviewer passed ('totp'), or null when the role asks for none. */
  readonly factor: 'totp' | 'passkey' | null;
}

/** One use, reviewed or not, for the administrators' page of uses. */
export interface BreakGlassUseWithReview extends BreakGlassUseView {
  readonly review: Omit<BreakGlassReviewView, 'requestId'> | null;
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

/** Administrators: every use, reviewed or not, newest first, each with its review (who, when, what). */
export function listBreakGlassUses(deps: Deps, caller: Caller): Promise<BreakGlassUseWithReview[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const rows = await tx.breakGlass.uses({ limit: BREAK_GLASS_LIST_LIMIT });
    const uses = rows.map((r) => r.request);
    const views = await viewUses(tx, uses, await rolesOf(tx, uses));
    const reviewers = new Map((await tx.accounts.byIds([...new Set(rows.flatMap((r) => (r.review ? [r.review.reviewerId] : [])))])).map((a) => [a.id, a.login]));
    return views.map((v, i) => {
      const r = rows[i]!.review;
      return { ...v, review: r ? { reviewer: reviewers.get(r.reviewerId) ?? r.reviewerId, reviewedAt: r.reviewedAt, comment: r.comment, factor: r.factor } : null };
    });
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

type Outcome = { readonly ok: true; readonly view: BreakGlassReviewView } | { readonly ok: false; readonly refused: DomainError };

/**
 * One of the role's approvers reviews a use; the requester may then use the role again. A role
 * with approverMfaRequired asks the reviewer for the same step-up as an approval (`proof`).
 */
export async function reviewBreakGlass(deps: Deps, kit: MfaKit, caller: Caller, requestId: string, comment: string, proof: MfaProof | null = null): Promise<BreakGlassReviewView> {
  const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
    const r = await tx.requests.byId(requestId);
    if (!r) throw new DomainError('RequestNotFound', `There is no break-glass use ${requestId} for you to review.`);
    const role = await roleOf(tx, r);
    const now = deps.clock.now();
    // Membership read again now, as for every decision (never the listing's cache).
    const members = await readGroupMembers(deps, tx, approverGroupIdsOf(role), [caller.accountId]);
    const checked: BreakGlassReview = review(role, r, caller.accountId, comment, now, members, await tx.breakGlass.reviewOf(r.id));
    // After the checks above, so someone who may not review spends none of the approver's codes.
    const stepUp = await checkReviewStepUp(deps, kit, tx, role, r.id, caller, proof, now);
    // Returned, not thrown: the transaction commits the failed attempt's count and audit.
    if (!stepUp.ok) return { ok: false, refused: stepUp.refused };
    const done: BreakGlassReview = { ...checked, factor: stepUp.factor };
    await tx.breakGlass.addReview(done);
    await tx.audit.append({
      at: done.reviewedAt,
      actorId: caller.accountId,
      action: 'request.break-glass-reviewed',
      targetType: 'request',
      targetId: r.id,
      requestId: r.id,
      before: null,
      after: { role: role.name, requester: r.creatorId, comment: done.comment, factor: done.factor },
    });
    return { ok: true, view: { requestId: r.id, reviewer: caller.login, reviewedAt: done.reviewedAt, comment: done.comment, factor: done.factor } };
  });
  if (!outcome.ok) throw outcome.refused;
  return outcome.view;
}
