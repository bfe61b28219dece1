import type { NotificationKind } from '../notify/notification.js';
import type { Instant } from '../time.js';
import type { ApprovalSettlement } from './approval.js';

/**
 * What a transition asks the outside world to do. Effects are data: the application layer carries
 * them out in the same transaction as the state change that caused them, and feeds back the events
 * they lead to (a grant the directory confirmed at once is followed by GrantConfirmed).
 */
export type Effect =
  /** Add the requester to the role's groups. */
  | { readonly kind: 'grant'; readonly requestId: string; readonly accountId: string; readonly roleId: string }
  /** Remove the requester from the role's groups, except those another holding of theirs still grants. */
  | { readonly kind: 'revoke'; readonly requestId: string; readonly accountId: string; readonly roleId: string }
  /** Create the approval object approvers act on (it has its own id, as in MIM). */
  | { readonly kind: 'open-approval'; readonly requestId: string; readonly approvalId: string }
  /** The request ended undecided: its approval, if still pending, is settled so no approver sees it again. */
  | { readonly kind: 'settle-approval'; readonly requestId: string; readonly approvalId: string; readonly status: ApprovalSettlement }
  /**
   * An extension became active: the requester's other holdings of the same role end as superseded,
   * without a gap (the groups stay, because this request holds them now).
   */
  | { readonly kind: 'supersede'; readonly requestId: string; readonly accountId: string; readonly roleId: string }
  /**
   * Tell people: a notification is written to the durable notification outbox in this same
   * transaction (never sent from inside it). `notBefore` holds it back (the expiry warning).
   */
  | { readonly kind: 'notify'; readonly event: NotificationKind; readonly requestId: string; readonly notBefore?: Instant };

export type EffectKind = Effect['kind'];
