/**
 * One step of a role's approval path: who may vote on it (people, and members of groups) and how
 * many distinct approvals it needs. Stages run in order; all must pass.
 */
export interface ApprovalStage {
  readonly approverIds: readonly string[];
  readonly approverGroupIds: readonly string[];
  readonly required: number;
}

/** What of a role its approval path is made of (a structural type, so role.ts may use this file). */
export interface WithApprovalPath {
  readonly approvalRequired: boolean;
  readonly approverIds: readonly string[];
  readonly stages: readonly ApprovalStage[];
}

/** Enough for "two of the leads, then the owner, then security"; a longer path is a mistake. */
export const MAX_STAGES = 10;
export const MAX_REQUIRED = 100;

/**
 * Who is in which group, as read from the directories for one decision (group id → account ids).
 * Read fresh by the caller: the domain never asks a directory itself.
 */
export type GroupMembers = ReadonlyMap<string, ReadonlySet<string>>;
export const NO_MEMBERS: GroupMembers = new Map();

/**
 * The stages a request for `role` must pass. `approvalRequired` with `approvers` and no stages is
 * the shorthand MIM knew: one stage, any one of the approvers.
 */
export function stagesOf(role: WithApprovalPath): readonly ApprovalStage[] {
  if (!role.approvalRequired) return [];
  return role.stages.length > 0 ? role.stages : [{ approverIds: role.approverIds, approverGroupIds: [], required: 1 }];
}

/** Whether `accountId` is one of the stage's approvers, by name or as a member of one of its groups now. */
export function inStage(stage: ApprovalStage, accountId: string, members: GroupMembers): boolean {
  return stage.approverIds.includes(accountId) || stage.approverGroupIds.some((g) => members.get(g)?.has(accountId) === true);
}

/** Every group any stage of the role names: the memberships a decision on it must read. */
export function approverGroupIdsOf(role: WithApprovalPath): string[] {
  return [...new Set(stagesOf(role).flatMap((s) => s.approverGroupIds))].sort();
}

/**
 * What is wrong with a path as an administrator wrote it, or null. An approver group never grants
 * the role itself: otherwise every elevation would make its holder an approver of the next one.
 */
export function pathProblem(role: WithApprovalPath & { readonly groupIds: readonly string[] }): string | null {
  if (role.stages.length > MAX_STAGES) return `at most ${MAX_STAGES} approval stages`;
  for (const [i, s] of role.stages.entries()) {
    const n = `stage ${i + 1}`;
    if (!Number.isSafeInteger(s.required) || s.required < 1 || s.required > MAX_REQUIRED) return `${n} needs a 'required' count from 1 to ${MAX_REQUIRED}`;
    if (s.approverIds.length === 0 && s.approverGroupIds.length === 0) return `${n} names no approvers or approver groups`;
    if (s.approverGroupIds.length === 0 && s.approverIds.length < s.required) {
      return `${n} needs ${s.required} approvals but names only ${s.approverIds.length} approver(s)`;
    }
    const granted = s.approverGroupIds.find((g) => role.groupIds.includes(g));
    if (granted !== undefined) return `${n} names an approver group the role itself grants (an elevation would make its holder an approver)`;
  }
  return null;
}
