import type { MinuteOfDay, Seconds } from '../time.js';
import { type ApprovalStage, type GroupMembers, NO_MEMBERS, inStage, stagesOf } from './approval-stage.js';
import type { AutoApproveRule } from './auto-approve.js';
import type { RoleNotify } from './role-notify.js';

/** When activations may start: a daily window of local time in the role's zone. */
export interface AvailabilityWindow {
  /** Local start of the window, minutes after midnight. */
  readonly from: MinuteOfDay;
  /** Local end of the window; when `to <= from` the window runs past midnight. */
  readonly to: MinuteOfDay;
  /** IANA zone the window is read in; null means the server's zone. */
  readonly timeZone: string | null;
}

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** The longest activation the role allows. */
  readonly ttlSeconds: Seconds;
  readonly mfaRequired: boolean;
  readonly approvalRequired: boolean;
  /** An approval counts only when the approver passes MFA for that decision (step-up). */
  readonly approverMfaRequired: boolean;
  /** Whether a request must carry a justification (at least `justificationMinLength` characters). */
  readonly justificationRequired: boolean;
  /** The shortest justification accepted when one is given (or required); 0 for any. */
  readonly justificationMinLength: number;
  /** A regular expression a request's ticket reference (TicketId) must match; null: no ticket needed. */
  readonly ticketPattern: string | null;
  /**
   * Break-glass: activated without approval even when the role has stages (MFA still applies), for
   * a short time (the server's breakGlassMaxTtlSeconds), and each use reviewed afterwards by one of
   * the role's approvers before the same person may use it again.
   */
  readonly breakGlass: boolean;
  /** null when activations may start at any time. */
  readonly window: AvailabilityWindow | null;
  /** Its own notification settings; absent: the server's (see role-notify.ts). */
  readonly notify?: RoleNotify;
  /** Auto-approval rules, tried in order (auto-approve.ts); absent or empty: none. */
  readonly autoApprove?: readonly AutoApproveRule[];
  /** Ids of the groups an activation grants. */
  readonly groupIds: readonly string[];
  /** Ids of the accounts allowed to request the role. */
  readonly candidateIds: readonly string[];
  /**
   * Ids of groups whose members may request the role too (membership read from the group's
   * directory); never one of `groupIds`, or being granted the role would make one eligible for it.
   * Absent means none (roles written before candidate groups, and tests' literals).
   */
  readonly candidateGroupIds?: readonly string[];
  /** Ids of the accounts allowed to approve requests for the role. */
  readonly approverIds: readonly string[];
  /**
   * The approval path, in order; empty means the shorthand (with approvalRequired): one stage,
   * any one of `approverIds` (see stagesOf).
   */
  readonly stages: readonly ApprovalStage[];
}

/** A role without its member lists: what listings show, cheap to read however many candidates it has. */
export type RoleSummary = Omit<Role, 'groupIds' | 'candidateIds' | 'candidateGroupIds' | 'approverIds' | 'stages'>;

export const MAX_TTL_SECONDS: Seconds = 10 * 365 * 24 * 3600;

/** Whether `accountId` may request the role: named, or a member of one of its candidate groups. */
export function isCandidate(role: Role, accountId: string, members: GroupMembers = NO_MEMBERS): boolean {
  return role.candidateIds.includes(accountId) || (role.candidateGroupIds ?? []).some((g) => members.get(g)?.has(accountId) === true);
}

/** Why the role's candidate groups cannot be as they are, or null. */
export function candidateGroupProblem(role: Pick<Role, 'groupIds' | 'candidateGroupIds'>, nameOf: (groupId: string) => string): string | null {
  const granted = (role.candidateGroupIds ?? []).filter((g) => role.groupIds.includes(g));
  if (granted.length === 0) return null;
  return `a candidate group cannot be a group the role grants (being granted the role would make one eligible for it): ${granted.map(nameOf).join(', ')}`;
}

/** Whether `accountId` may vote on some stage of the role's approval path (by name or group membership). */
export function isApprover(role: Role, accountId: string, members: GroupMembers = NO_MEMBERS): boolean {
  return stagesOf(role).some((s) => inStage(s, accountId, members));
}
