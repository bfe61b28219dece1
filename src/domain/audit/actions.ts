import type { ApprovalStatus } from '../request/approval.js';
import type { RequestEventKind } from '../request/transitions.js';

/**
 * Every action the audit trail records, spelled one way: `subject.what-happened`, lower case,
 * words joined by hyphens, past tense. A new action does not compile until it is listed here.
 */
export const AUDIT_ACTIONS = [
  // A request's lifecycle: one per event of the transition table (see REQUEST_EVENT_ACTIONS).
  'request.created',
  'request.mfa-passed',
  'request.mfa-failed',
  'request.approved',
  'request.rejected',
  'request.start-reached',
  'request.grant-confirmed',
  'request.closed',
  'request.expiry-reached',
  'request.revoke-confirmed',
  'request.timed-out',
  // An elevation ended at its expiry by the set-based expiry (issue 13): one compact record in place
  // of expiry-reached, a membership.removed per group and revoke-confirmed (see expiryEntry).
  'request.expired',
  // An administrator took access away.
  'request.revoked',
  'request.revoked-all',
  // Approvals: a vote that left the approval open, its decision, or its settlement.
  'approval.voted',
  'approval.approved',
  'approval.rejected',
  'approval.cancelled',
  'approval.expired',
  // A break-glass use looked at afterwards by one of its role's approvers.
  'request.break-glass-reviewed',
  // Group membership as carried out (embedded at once, other directories once confirmed).
  'membership.added',
  'membership.removed',
  // The reconciler's findings: a member without a grant (extra) or a grant without a member (missing).
  'reconcile.extra.reported',
  'reconcile.extra.corrected',
  'reconcile.extra.failed',
  'reconcile.missing.reported',
  'reconcile.missing.corrected',
  'reconcile.missing.failed',
  // MFA.
  'mfa.passed',
  'mfa.failed',
  'mfa.replayed',
  'mfa.step-up.passed',
  'mfa.step-up.failed',
  'mfa.locked',
  'mfa.unlocked',
  'mfa.reset',
  'mfa.totp.enrolled',
  'mfa.totp.confirmed',
  'mfa.enrolment-code.issued',
  'mfa.passkey.added',
  'mfa.passkey.refused',
  'mfa.passkey.removed',
  'mfa.change.authorised',
  'mfa.change.refused',
  // Sign-in and sessions.
  'session.login',
  // API tokens (issue 16): created, revoked, and each change made with one, under its name.
  'token.created',
  'token.revoked',
  'token.used',
  'signin.failed',
  'signin.failed.unrecorded',
  // Administration.
  'account.created',
  'account.updated',
  'account.removed',
  'account.locked',
  'account.unlocked',
  'group.created',
  'group.updated',
  'group.removed',
  // Standing members of an embedded group no role grants, set by administrators.
  'group.member-added',
  'group.member-removed',
  'role.created',
  'role.updated',
  'role.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What each event of the lifecycle table is recorded as. */
export const REQUEST_EVENT_ACTIONS = {
  Created: 'request.created',
  MfaPassed: 'request.mfa-passed',
  MfaFailed: 'request.mfa-failed',
  Approved: 'request.approved',
  Rejected: 'request.rejected',
  StartDue: 'request.start-reached',
  GrantConfirmed: 'request.grant-confirmed',
  Close: 'request.closed',
  ExpiryDue: 'request.expiry-reached',
  RevokeConfirmed: 'request.revoke-confirmed',
  TimedOut: 'request.timed-out',
} as const satisfies Record<RequestEventKind, AuditAction>;

/** What an approval's vote (while it stays open), decision or settlement is recorded as. */
export const APPROVAL_ACTIONS = {
  Pending: 'approval.voted',
  Approved: 'approval.approved',
  Rejected: 'approval.rejected',
  Cancelled: 'approval.cancelled',
  Expired: 'approval.expired',
} as const satisfies Record<ApprovalStatus, AuditAction>;

/**
 * Names written before the spelling was settled (`request.${event.kind}`, December 2026). Records
 * keep them, because the hash chain covers them; reading and filtering map them to today's name.
 */
export const LEGACY_AUDIT_ACTIONS: Readonly<Record<string, AuditAction>> = Object.freeze(
  Object.fromEntries(
    (Object.entries(REQUEST_EVENT_ACTIONS) as [RequestEventKind, AuditAction][])
      .filter(([kind]) => kind !== 'Created')
      .map(([kind, action]) => [`request.${kind}`, action]),
  ),
);

export function isAuditAction(s: string): s is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(s);
}

/** Today's name for an action as stored, old or new; unknown names are returned as they are. */
export function currentActionName(stored: string): string {
  return Object.hasOwn(LEGACY_AUDIT_ACTIONS, stored) ? LEGACY_AUDIT_ACTIONS[stored]! : stored;
}

/** Every name an action may be stored under: today's and the older spelling, for filters. */
export function storedNamesOf(action: string): readonly string[] {
  const current = currentActionName(action);
  return [current, ...Object.keys(LEGACY_AUDIT_ACTIONS).filter((old) => LEGACY_AUDIT_ACTIONS[old] === current)];
}
