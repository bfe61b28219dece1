import type { Backlog, BreakGlassCounts, NotificationBacklog } from '../ports/store.js';
import type { Deps } from './deps.js';

export interface BacklogView extends Backlog {
  /**
   * How late the worst revocation is right now: the longest any access has outlived its end, whether
   * the expiry is still waiting for the scheduler or its revoke for the directory. 0 when none is late.
   */
  readonly revocationLatenessMs: number;
  /** How far the scheduler is behind its oldest due step; 0 when it is keeping up. */
  readonly dueLagMs: number;
  /** The notification outbox: deliveries waiting, failing, and how long the oldest has waited. */
  readonly notifications: NotificationBacklog;
  /** Break-glass activations so far, and uses waiting for their review. */
  readonly breakGlass: BreakGlassCounts;
}

/** The revocation backlog as of now; read without the write lock, so a scrape never queues behind writers. */
export async function readBacklog(deps: Deps): Promise<BacklogView> {
  const now = deps.clock.now();
  const [b, notifications, breakGlass] = await deps.store.read(
    async (tx) => [await tx.backlog.snapshot(now), await tx.notifications.backlog(now), await tx.breakGlass.counts()] as const,
  );
  const since = (at: number | null) => (at === null ? 0 : Math.max(0, now - at));
  return {
    ...b,
    revocationLatenessMs: Math.max(since(b.oldestUnconfirmedRevokeAt), since(b.oldestUnhandledExpiryAt)),
    dueLagMs: since(b.oldestDueAt),
    notifications,
    breakGlass,
  };
}
