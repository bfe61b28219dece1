import type { NotificationKind } from '../../domain/notify/notification.js';
import type { EndReason } from '../../domain/request/request.js';
import type { NotificationMessage, NotifiedPerson } from '../../ports/notification-channel.js';

const name = (p: NotifiedPerson) => `${p.displayName} (${p.login})`;
const when = (at: number | null) => (at === null ? 'unknown' : new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));

const ENDED: { readonly [R in EndReason]: string } = {
  closed: 'it was closed',
  deactivated: 'it was deactivated',
  superseded: 'an extension replaced it',
  expired: 'its time ran out',
  'timed-out': 'it waited too long',
  rejected: 'it was rejected',
  'mfa-failed': 'the MFA check failed',
  'window-missed': 'its availability window had passed',
  revoked: 'an administrator revoked it',
  'account-disabled': 'the account was disabled',
  'account-locked': 'the account was locked',
  'role-changed': 'the role changed',
};

/** One line saying what happened: the subject of an email, the headline of a chat message. */
export function headline(m: NotificationMessage): string {
  const r = m.request;
  const lines: { readonly [K in NotificationKind]: () => string } = {
    'approval-needed': () => `${name(r.requester)} asks for ${r.role}: your approval is needed`,
    'decision-made': () => `Your request for ${r.role} was ${r.status === 'Rejected' ? 'rejected' : 'approved'}${m.actor ? ` by ${name(m.actor)}` : ''}`,
    'elevation-active': () => `Your ${r.role} access is active until ${when(r.expiresAt)}`,
    'ending-soon': () => `Your ${r.role} access ends at ${when(r.expiresAt)}`,
    'elevation-ended': () => `Your ${r.role} access has ended: ${r.endReason ? ENDED[r.endReason] : 'it ended'}`,
    'request-expired': () => `Your request for ${r.role} expired: no approver answered in time`,
    'revocation-late': () => `Late revocation: ${name(r.requester)}'s ${r.role} access outlived its end (${when(r.expiresAt)})`,
  };
  return lines[m.kind]();
}

/** The details under the headline, as label and value pairs (rendered as text, HTML or chat fields). */
export function details(m: NotificationMessage): [string, string][] {
  const r = m.request;
  const out: [string, string][] = [
    ['Role', r.role],
    ['Requester', name(r.requester)],
  ];
  if (r.justification) out.push(['Justification', r.justification]);
  if (r.expiresAt !== null && m.kind !== 'approval-needed') out.push([m.kind === 'elevation-ended' ? 'Ended' : 'Ends', when(r.expiresAt)]);
  if (m.actor) out.push([m.kind === 'decision-made' ? 'Decided by' : 'By', name(m.actor)]);
  if (m.comment) out.push(['Comment', m.comment]);
  if (r.endNote) out.push(['Note', r.endNote]);
  out.push(['Request', r.id]);
  return out;
}

/** What the link leads to, as the button or link text. */
export function linkText(m: NotificationMessage): string {
  return m.kind === 'approval-needed' ? 'Review it in Elevate' : m.kind === 'ending-soon' ? 'Extend it in Elevate' : 'Open Elevate';
}
