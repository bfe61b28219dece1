import type { Instant, Seconds } from '../time.js';

/**
 * The closed set of things Elevate tells people (issue 15). Each is the effect of one state change
 * of a request, except 'ending-soon', which is written when access begins and held back until its
 * warn-at instant (so the scheduler's timed events stay exactly the state transitions).
 */
export const NOTIFICATION_KINDS = [
  'approval-needed', // to each eligible approver
  'decision-made', // to the requester: who decided, and the comment
  'elevation-active', // to the requester: the grant is confirmed
  'ending-soon', // to the requester, a lead time before the end, with a link to extend
  'elevation-ended', // to the requester, with the reason (expired, closed, revoked, ...)
  'request-expired', // to the requester: nobody answered in time
  'revocation-late', // to the operations channels: access outlived its end by more than a threshold
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export function isNotificationKind(s: string): s is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(s);
}

/** Who a notification is for: the people of the request, or only the operations channels. */
export type Audience = 'approvers' | 'requester' | 'operations';

export const AUDIENCE: { readonly [K in NotificationKind]: Audience } = {
  'approval-needed': 'approvers',
  'decision-made': 'requester',
  'elevation-active': 'requester',
  'ending-soon': 'requester',
  'elevation-ended': 'requester',
  'request-expired': 'requester',
  'revocation-late': 'operations',
};

/** The warning's default lead time: ten minutes before an elevation ends. */
export const DEFAULT_EXPIRY_WARNING_SECONDS: Seconds = 600;
/** How late a revocation may be confirmed before operations hear of it. */
export const DEFAULT_REVOCATION_LATE_SECONDS: Seconds = 300;

/**
 * When to warn about an elevation ending at `expiresAt`: `leadSeconds` before it, or null when that
 * instant is not after `now` (an elevation shorter than the lead time is not warned about: its
 * holder has just been told when it ends).
 */
export function warnAt(expiresAt: Instant, leadSeconds: Seconds, now: Instant): Instant | null {
  if (leadSeconds <= 0) return null;
  const at = expiresAt - leadSeconds * 1000;
  return at > now ? at : null;
}
