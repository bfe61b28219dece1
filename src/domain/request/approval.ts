import { DomainError } from '../errors.js';
import { type GroupMembers, NO_MEMBERS, inStage, stagesOf } from '../role/approval-stage.js';
import { type Role, isApprover } from '../role/role.js';
import type { Instant } from '../time.js';
import type { PamRequest } from './request.js';

export type ApprovalStatus = 'Pending' | 'Approved' | 'Rejected' | 'Cancelled' | 'Expired';
export type Decision = 'approve' | 'reject';
/** How an approval ends when its request ended without a decision. */
export type ApprovalSettlement = Extract<ApprovalStatus, 'Cancelled' | 'Expired'>;

/** One approver's decision on one stage of one approval, as it was cast. */
export interface Vote {
  readonly approverId: string;
  readonly at: Instant;
  readonly decision: Decision;
  readonly comment: string | null;
  /** The step-up the approver passed for it ('totp', 'passkey'), when the role asked for one. */
  readonly factor: string | null;
  /** The stage (from 0) that was open when it was cast. */
  readonly stage: number;
}

/** A vote as an approver casts it; the approval says which stage it falls on. */
export type Ballot = Omit<Vote, 'stage'>;

/**
 * The object an approver acts on. It has its own id, distinct from the request's, as in MIM. Its
 * state is a fold of its votes along the role's approval path (`status`, `stage`, `decidedBy`,
 * `decidedAt` and `comment` are what the fold says, kept beside the votes for readers and
 * queries), unless its request ended undecided and settled it.
 */
export interface Approval {
  readonly id: string;
  readonly requestId: string;
  readonly status: ApprovalStatus;
  /** The open stage (from 0): how many stages have passed. */
  readonly stage: number;
  readonly votes: readonly Vote[];
  readonly decidedBy: string | null;
  readonly decidedAt: Instant | null;
  readonly comment: string | null;
}

/** A new approval, open at its first stage with no votes. */
export function openApproval(id: string, requestId: string): Approval {
  return Object.freeze({ id, requestId, status: 'Pending', stage: 0, votes: Object.freeze([]), decidedBy: null, decidedAt: null, comment: null });
}

/** Whether `accountId` approved a stage before `stage` of this approval. */
const approvedEarlier = (a: Approval, accountId: string, stage: number) =>
  a.votes.some((v) => v.approverId === accountId && v.decision === 'approve' && v.stage < stage);

/**
 * The approvals that count towards the open stage now: distinct people, never the requester (even
 * as a group member), each still an approver of the stage. Membership is read again at every
 * decision, so an approver who left the group since voting no longer counts towards the open
 * stage; stages that passed stay passed (they were checked when they passed).
 */
export function countingApprovals(role: Role, requesterId: string, a: Approval, members: GroupMembers): string[] {
  const stage = stagesOf(role)[a.stage];
  if (!stage) return [];
  const who = a.votes
    .filter((v) => v.stage === a.stage && v.decision === 'approve' && v.approverId !== requesterId && inStage(stage, v.approverId, members))
    .map((v) => v.approverId);
  return [...new Set(who)];
}

/**
 * Who may still vote on the open stage of `request`'s approval: the stage's approvers by name and
 * the members of its groups, less the requester, anyone who already voted on this stage, and anyone
 * who approved an earlier stage (one person is one set of eyes on a request, whatever stages list
 * them). Empty once the approval is decided. This is the list notifications of an open stage go to.
 */
export function votersOfOpenStage(role: Role, request: PamRequest, a: Approval, members: GroupMembers): string[] {
  const stage = stagesOf(role)[a.stage];
  if (a.status !== 'Pending' || !stage) return [];
  const everyone = new Set([...stage.approverIds, ...stage.approverGroupIds.flatMap((g) => [...(members.get(g) ?? [])])]);
  const voted = new Set(a.votes.filter((v) => v.stage === a.stage).map((v) => v.approverId));
  return [...everyone].filter((id) => id !== request.creatorId && !voted.has(id) && !approvedEarlier(a, id, a.stage)).sort();
}

/**
 * Who may decide. Self-approval is refused even when the requester is also listed as an approver
 * (or is a member of an approver group): an elevation always needs a second person.
 */
export function checkCanDecide(role: Role, request: PamRequest, deciderId: string, members: GroupMembers = NO_MEMBERS): void {
  if (request.creatorId === deciderId) {
    throw new DomainError('SelfApproval', 'You cannot approve or reject your own request; another approver of the role must decide.');
  }
  if (!isApprover(role, deciderId, members)) {
    throw new DomainError('NotApprover', `You are not an approver of role '${role.name}'.`);
  }
}

/** Whether `deciderId` may vote on the open stage of `a` now; refusals name why. */
export function checkCanVote(role: Role, request: PamRequest, a: Approval, deciderId: string, members: GroupMembers): void {
  checkCanDecide(role, request, deciderId, members);
  if (a.status !== 'Pending') {
    throw new DomainError('Conflict', `This approval is already ${a.status}.`, { status: a.status });
  }
  const stages = stagesOf(role);
  const stage = stages[a.stage];
  if (!stage) throw new DomainError('Conflict', `The approval path of role '${role.name}' changed; this approval has no open stage.`);
  const where = stages.length > 1 ? `stage ${a.stage + 1} of ${stages.length}` : 'this approval';
  if (a.votes.some((v) => v.stage === a.stage && v.approverId === deciderId)) {
    throw new DomainError('Conflict', `You have already voted on ${where}.`, { status: a.status });
  }
  if (approvedEarlier(a, deciderId, a.stage)) {
    throw new DomainError('Conflict', `You approved an earlier stage of this request; ${where} needs another approver.`, { status: a.status });
  }
  if (!inStage(stage, deciderId, members)) {
    throw new DomainError('NotApprover', `You are not an approver of ${where} of role '${role.name}', which is the one open now.`);
  }
}

/**
 * Casts one vote on the open stage and folds again: a rejection rejects the request at once; an
 * approval that brings the stage to its count opens the next stage, or approves after the last.
 * A vote on an approval that is no longer pending is a conflict, so two approvers racing end
 * with one outcome.
 */
export function vote(a: Approval, role: Role, request: PamRequest, ballot: Ballot, members: GroupMembers = NO_MEMBERS): Approval {
  checkCanVote(role, request, a, ballot.approverId, members);
  const cast: Vote = Object.freeze({ ...ballot, stage: a.stage });
  const votes = Object.freeze([...a.votes, cast]);
  const decided = (status: 'Approved' | 'Rejected', stage: number): Approval =>
    Object.freeze({ ...a, votes, stage, status, decidedBy: cast.approverId, decidedAt: cast.at, comment: cast.comment });
  if (cast.decision === 'reject') return decided('Rejected', a.stage);
  const next = { ...a, votes };
  const stages = stagesOf(role);
  if (countingApprovals(role, request.creatorId, next, members).length < stages[a.stage]!.required) return Object.freeze(next);
  return a.stage + 1 === stages.length ? decided('Approved', a.stage + 1) : Object.freeze({ ...next, stage: a.stage + 1 });
}

/** Settles a pending approval whose request ended without a decision. */
export function settle(a: Approval, status: ApprovalSettlement, now: Instant): Approval {
  return a.status === 'Pending' ? Object.freeze({ ...a, status, decidedAt: now }) : a;
}
