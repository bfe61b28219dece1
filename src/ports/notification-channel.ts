import type { NotificationKind } from '../domain/notify/notification.js';
import type { EndReason, RequestStatus } from '../domain/request/request.js';
import type { Instant } from '../domain/time.js';

/** A person a notification names or goes to. */
export interface NotifiedPerson {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string | null;
}

/** Everything a channel needs to render one notification; channels do no store reads. */
export interface NotificationMessage {
  /** The event id: the same for every receiver and every retry, so receivers can dedupe on it. */
  readonly id: string;
  readonly kind: NotificationKind;
  /** When it happened. */
  readonly time: Instant;
  readonly request: {
    readonly id: string;
    readonly role: string;
    readonly requester: NotifiedPerson;
    readonly justification: string | null;
    readonly status: RequestStatus;
    readonly expiresAt: Instant | null;
    readonly endReason: EndReason | null;
    readonly endNote: string | null;
    /** The approval approvers act on, while the request waits for one. */
    readonly approvalId: string | null;
  };
  /** Who caused it (an approver, an administrator); null for the system. */
  readonly actor: NotifiedPerson | null;
  readonly comment: string | null;
  /** The portal page it is about: approvals for approvers, My roles (to extend) for a warning, the requester's requests otherwise. Opening it changes nothing. */
  readonly link: string;
  /** The one person a personal channel (email) sends this copy to; null on broadcast channels. */
  readonly to: NotifiedPerson | null;
  /** Which receiver of its channel this copy is for: the channel's name, or a role's own target (`slack:#db-admins`). */
  readonly receiver: string;
}

/** Where a role wants its events: its own Slack channel or Teams webhook (null: the global one). */
export interface RoleRoute {
  readonly slackChannel: string | null;
  readonly teamsChannel: string | null;
}

/**
 * Somewhere notifications go: an SMTP server, a webhook URL, a Slack channel, a Teams webhook.
 * A personal channel gets one copy per recipient; a broadcast channel one per event.
 */
export interface NotificationChannel {
  /** Unique among channels and stable across restarts: deliveries are keyed by it (dedupe). */
  readonly name: string;
  readonly reach: 'personal' | 'broadcast';
  accepts(kind: NotificationKind): boolean;
  /** For a personal channel: whether it can reach this person at all (an email address on file). */
  reaches(person: NotifiedPerson): boolean;
  /**
   * For a broadcast channel that can post to a role's own place: the receiver for a role's event
   * (`route` is null for operations events, which stay global); null when it has none to post to.
   * Absent: always the channel's name.
   */
  receiverFor?(route: RoleRoute | null): string | null;
  /** Whether a receiver written by receiverFor belongs to this channel. */
  owns?(receiver: string): boolean;
  /** Sends one copy; resolves once the receiver accepted it, throws otherwise (then it is retried). */
  send(message: NotificationMessage, signal: AbortSignal): Promise<void>;
}
