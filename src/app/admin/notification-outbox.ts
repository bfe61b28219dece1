import type { NotificationKind } from '../../domain/notify/notification.js';
import type { NotificationDelivery } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdmin } from './require-admin.js';

export interface NotificationDeliveryView extends NotificationDelivery {
  readonly kind: NotificationKind | '?';
  readonly requestId: string;
  /** When it was due: its warn-at instant, or when it happened. */
  readonly dueAt: number;
}

/** Notifications not yet delivered, with why the last attempt failed (for `elevate outbox`). */
export async function listNotificationDeliveries(deps: Deps, caller: Caller, limit = 1000): Promise<NotificationDeliveryView[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const open = await tx.notifications.open(limit);
    const events = new Map((await tx.notifications.byIds(open.map((d) => d.notificationId))).map((n) => [n.id, n]));
    return open.map((d) => {
      const n = events.get(d.notificationId);
      return { ...d, kind: n?.kind ?? '?', requestId: n?.requestId ?? '?', dueAt: n?.notBefore ?? d.createdAt };
    });
  });
}
