import type { Instant, Seconds } from '../time.js';

/** MIM's request states, spelled as on the wire because the names are the vocabulary of the product. */
export const REQUEST_STATUSES = [
  'PendingMFA',
  'PendingApproval',
  'Scheduled',
  'Processing',
  'Active',
  'Closing',
  'Closed',
  'Expired',
  'Rejected',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const TERMINAL_STATUSES: readonly RequestStatus[] = ['Closed', 'Expired', 'Rejected'];

/** Statuses in which the requester holds (or is being given) the role's groups. */
export const HOLDING: readonly RequestStatus[] = ['Processing', 'Active'];

export function isTerminal(s: RequestStatus): boolean {
  return TERMINAL_STATUSES.includes(s);
}

/** Why an elevation ended or is ending; decides whether Closing settles as Closed or Expired. */
export type EndReason =
  | 'closed' // the requester closed it
  | 'deactivated' // the requester asked for TTL 0
  | 'superseded' // a newer request for the same role took over (an extension)
  | 'expired' // its time ran out
  | 'timed-out' // it waited too long for MFA or approval
  | 'rejected' // an approver said no
  | 'mfa-failed' // the requester failed the MFA challenge too often
  | 'window-missed' // it could only have started after its time or window had passed
  | 'revoked' // an administrator took it away (`endNote` says why)
  | 'account-disabled' // the requester's account was disabled
  | 'account-locked' // the requester's account was locked (`endNote` holds the lock's reason)
  | 'role-changed'; // an administrator changed the role so that it no longer covers the requester

/** The reasons an administrator's action gives; each carries a note for the requester. */
export type AdminEndReason = Extract<EndReason, 'revoked' | 'account-disabled' | 'account-locked' | 'role-changed'>;

export interface PamRequest {
  readonly id: string;
  readonly creatorId: string;
  readonly roleId: string;
  readonly displayName: string;
  readonly justification: string | null;
  /** The ticket reference given with the request (an extension beside MIM's parameters), or null. */
  readonly ticketId: string | null;
  /** Made under a break-glass role: no approval asked, reviewed afterwards (break-glass.ts). */
  readonly breakGlass: boolean;
  /** The name of the auto-approval rule that approved it when it was made (auto-approve.ts); absent or null: none did. */
  readonly autoApprovedBy?: string | null;
  readonly creationMethod: string;
  readonly createdAt: Instant;
  readonly requestedTtlSeconds: Seconds;
  /** The start the requester asked for (the creation time when they asked for "now"). */
  readonly requestedAt: Instant;
  readonly status: RequestStatus;
  /** When access began; null until granted. */
  readonly startedAt: Instant | null;
  /** When access ends (or ended); null until granted. */
  readonly expiresAt: Instant | null;
  /** Deadline for MFA or approval while pending. */
  readonly pendingUntil: Instant | null;
  readonly endReason: EndReason | null;
  readonly endedAt: Instant | null;
  /** Why, in an administrator's words, when an administrator's action ended it; null otherwise. */
  readonly endNote: string | null;
  /** Id of the approval object, when the role needs approval. */
  readonly approvalId: string | null;
  /** Bumped on every write; stores use it for optimistic concurrency. */
  readonly version: number;
}
