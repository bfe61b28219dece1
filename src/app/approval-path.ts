import { DomainError } from '../domain/errors.js';
import { ttlBound } from '../domain/request/create.js';
import { approverGroupIdsOf, stagesOf } from '../domain/role/approval-stage.js';
import { type Role, isApprover } from '../domain/role/role.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../ports/store.js';
import { isCandidateNow, readGroupMembers } from './approver-groups.js';
import { type AutoApproveForecast, forecastFor, rulesInWords } from './auto-approve-rules.js';
import type { Caller, Deps } from './deps.js';
import { roleOf } from './lifecycle.js';

/** Who may approve a role's requests, stage by stage, with names (issue 14, "who can approve"). */
export interface ApprovalPathView {
  readonly roleId: string;
  readonly roleName: string;
  readonly approvalRequired: boolean;
  readonly approverMfaRequired: boolean;
  readonly justificationRequired: boolean;
  readonly justificationMinLength: number;
  readonly ticketPattern: string | null;
  /**
   * Set for a break-glass role: no approval is asked (the stages name who reviews each use
   * afterwards), the activation is capped at `maxTtlSeconds`, and MFA applies if the role asks it.
   */
  readonly breakGlass: { readonly maxTtlSeconds: number; readonly mfaRequired: boolean; readonly reviewRequired: true } | null;
  readonly stages: readonly {
    readonly stage: number;
    readonly required: number;
    readonly approvers: readonly { readonly login: string; readonly displayName: string }[];
    readonly approverGroups: readonly string[];
  }[];
  /** The auto-approval rules, in the order they are tried, in words. */
  readonly autoApprove: readonly { readonly name: string; readonly when: string }[];
  /** Before asking, for the caller: which rule would approve them now (a forecast); null after asking or without rules. */
  readonly autoApproveForecast: AutoApproveForecast | null;
}

/** A request's way along its role's path: the open stage and every vote cast so far. */
export interface ApprovalProgressView extends ApprovalPathView {
  readonly requestId: string;
  readonly status: string | null;
  /** The open stage, from 1; null when the approval is decided or the role needs none. */
  readonly openStage: number | null;
  /** The rule that approved the request when it was made; null when people decide (or decided). */
  readonly autoApprovedBy: string | null;
  readonly votes: readonly { readonly stage: number; readonly approver: string; readonly decision: string; readonly at: Instant; readonly comment: string | null }[];
}

async function pathOf(deps: Deps, tx: StoreTx, role: Role): Promise<ApprovalPathView> {
  const stages = await Promise.all(
    stagesOf(role).map(async (s, i) => ({
      stage: i + 1,
      required: s.required,
      approvers: (await tx.accounts.byIds(s.approverIds)).map((a) => ({ login: a.login, displayName: a.displayName })).sort((a, b) => a.login.localeCompare(b.login)),
      approverGroups: (await tx.groups.byIds(s.approverGroupIds)).map((g) => g.name).sort(),
    })),
  );
  return {
    roleId: role.id,
    roleName: role.name,
    approvalRequired: role.approvalRequired,
    approverMfaRequired: role.approverMfaRequired,
    justificationRequired: role.justificationRequired,
    justificationMinLength: role.justificationMinLength,
    ticketPattern: role.ticketPattern,
    breakGlass: role.breakGlass
      ? { maxTtlSeconds: ttlBound(role, deps.policy.maxTtlSeconds, deps.policy.breakGlassMaxTtlSeconds).max, mfaRequired: role.mfaRequired, reviewRequired: true }
      : null,
    stages,
    autoApprove: await rulesInWords(tx, role),
    autoApproveForecast: null,
  };
}

/** Before asking: the path of a role the caller may request. Anyone else learns nothing of it. */
export function approvalPathForRole(deps: Deps, caller: Caller, roleId: string): Promise<ApprovalPathView> {
  return deps.store.read(async (tx) => {
    const role = await tx.roles.byId(roleId);
    if (!role || !(await isCandidateNow(deps, tx, role, caller.accountId))) throw new DomainError('RoleNotFound', `There is no role with id ${roleId}.`);
    return { ...(await pathOf(deps, tx, role)), autoApproveForecast: await forecastFor(deps, tx, role, caller.accountId) };
  });
}

/** After asking: where a request is on its path. Its requester and the role's approvers may see it. */
export function approvalProgress(deps: Deps, caller: Caller, requestId: string): Promise<ApprovalProgressView> {
  return deps.store.read(async (tx) => {
    const request = await tx.requests.byId(requestId);
    const role = request && (await roleOf(tx, request));
    const members = role ? await readGroupMembers(deps, tx, approverGroupIdsOf(role), [caller.accountId]) : new Map();
    if (!request || !role || (request.creatorId !== caller.accountId && !isApprover(role, caller.accountId, members))) {
      throw new DomainError('RequestNotFound', `There is no request with id ${requestId}.`);
    }
    const approval = request.approvalId === null ? undefined : await tx.approvals.byId(request.approvalId);
    const voters = new Map((await tx.accounts.byIds([...new Set(approval?.votes.map((v) => v.approverId) ?? [])])).map((a) => [a.id, a.login]));
    return {
      ...(await pathOf(deps, tx, role)),
      requestId: request.id,
      status: approval?.status ?? null,
      openStage: approval?.status === 'Pending' ? approval.stage + 1 : null,
      autoApprovedBy: request.autoApprovedBy ?? null,
      votes: (approval?.votes ?? []).map((v) => ({ stage: v.stage + 1, approver: voters.get(v.approverId) ?? v.approverId, decision: v.decision, at: v.at, comment: v.comment })),
    };
  });
}
