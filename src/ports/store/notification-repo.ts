import type { NotificationKind } from '../../domain/notify/notification.js';
import type { EndReason, RequestStatus } from '../../domain/request/request.js';
import type { Instant } from '../../domain/time.js';
import type { RetryState } from './retry-state.js';

/** What a notification says, as it was when it happened (the request moves on). */
export interface NotificationDetail {
  readonly status: RequestStatus;
  readonly expiresAt: Instant | null;
  readonly endReason: EndReason | null;
  readonly endNote: string | null;
  /** Who caused it (the approver of a decision, the administrator of a revoke); null for the system. */
  readonly actorId: string | null;
  /** The approver's comment on a decision. */
  readonly comment: string | null;
}

/** One event of the notification outbox. */
export interface Notification {
  /** The event's id: receivers dedupe on it (the CloudEvents `id`). */
  readonly id: string;
  readonly kind: NotificationKind;
  readonly requestId: string;
  readonly createdAt: Instant;
  /** Not sent before then (the expiry warning's warn-at instant; otherwise `createdAt`). */
  readonly notBefore: Instant;
  readonly detail: NotificationDetail;
}

/** One receiver's copy of a notification, retried on its own until it is delivered. */
export interface NotificationDelivery extends RetryState {
  readonly notificationId: string;
  /** `webhook:<url>`, `slack:<channel>`, `teams`, or `email:<account id>`: one person or one endpoint. */
  readonly receiver: string;
}

export interface NotificationBacklog {
  /** Deliveries not yet made, and events due but not yet fanned out. */
  readonly queued: number;
  /** Open deliveries whose last attempt failed. */
  readonly failing: number;
  /** How long the oldest due, undelivered notification has waited (0 when none). */
  readonly oldestWaitMs: number;
}

/**
 * The durable notification outbox. Events are written in the transaction of the state change that
 * caused them; the worker fans each out to its receivers (one delivery row per receiver, written
 * once however often it is fanned out) and sends each delivery outside any transaction.
 */
export interface NotificationRepo {
  addMany(ns: readonly Notification[]): Promise<void>;
  /** Events due (`notBefore <= now`) and not yet fanned out, oldest first; on shared stores, locked against other nodes. */
  toFanOut(now: Instant, limit: number): Promise<Notification[]>;
  /** Writes one delivery per receiver (an existing one is kept as it is) and marks the event fanned out. */
  fanOut(id: string, receivers: readonly string[], at: Instant): Promise<void>;
  /** Takes due open deliveries, oldest first, claimed until `until` (a lease, like the directory outbox's). */
  claim(now: Instant, until: Instant, limit: number): Promise<NotificationDelivery[]>;
  byIds(ids: readonly string[]): Promise<Notification[]>;
  /** False when it already was (another node delivered it after our lease lapsed). */
  markDelivered(notificationId: string, receiver: string, at: Instant): Promise<boolean>;
  /** Records a failed (or put off) attempt and releases the claim. */
  markFailed(notificationId: string, receiver: string, attempts: number, nextAttemptAt: Instant, error: string): Promise<void>;
  /** Open deliveries, oldest first (for `elevate outbox`). */
  open(limit: number): Promise<NotificationDelivery[]>;
  /** One request's notifications, oldest first. */
  ofRequest(requestId: string): Promise<Notification[]>;
  /** The latest deliveries to these receivers (one person's `email:<id>`), newest first, with their events. */
  latestTo(receivers: readonly string[], limit: number): Promise<{ readonly delivery: NotificationDelivery; readonly notification: Notification }[]>;
  /** Deliveries of one request's notifications. */
  forRequest(requestId: string): Promise<NotificationDelivery[]>;
  backlog(now: Instant): Promise<NotificationBacklog>;
  /** The earliest instant the worker has something to do: an event to fan out or a delivery to try. */
  nextAt(): Promise<Instant | null>;
}
