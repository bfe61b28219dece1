import type { PamRequest } from '../../domain/request/request.js';
import type { Effect } from '../../domain/request/effect.js';
import type { Instant } from '../../domain/time.js';
import type { IdGenerator } from '../../ports/ids.js';
import type { Notification } from '../../ports/store.js';

export type NotifyEffect = Extract<Effect, { kind: 'notify' }>;

export function isNotify(e: Effect): e is NotifyEffect {
  return e.kind === 'notify';
}

/**
 * The outbox row for one notify effect: the request as the change left it, who caused it, and (for
 * a decision) the approver's comment. Both the engine and the set-based expiry write these.
 */
export function notificationOf(
  ids: IdGenerator,
  effect: NotifyEffect,
  r: PamRequest,
  now: Instant,
  by: { readonly actorId: string | null; readonly comment?: string | null } = { actorId: null },
): Notification {
  return {
    id: ids.newTimeOrderedId(),
    kind: effect.event,
    requestId: r.id,
    createdAt: now,
    notBefore: effect.notBefore ?? now,
    detail: { status: r.status, expiresAt: r.expiresAt, endReason: r.endReason, endNote: r.endNote, actorId: by.actorId, comment: by.comment ?? null },
  };
}
