import type { Caller, Deps } from '../deps.js';
import { readBacklog } from '../backlog.js';
import { requireAdmin } from './require-admin.js';

/** What an administrator sees on landing: how many hold access, who waits, and whether revocation keeps up. */
export interface Dashboard {
  /** Elevations Processing or Active right now. */
  readonly activeNow: number;
  /** Requests waiting for an approver. */
  readonly pendingApprovals: number;
  /** Requests waiting for the requester's MFA. */
  readonly pendingMfa: number;
  /** Directory work queued (grants + revokes) and how much of it is failing. */
  readonly outboxGrants: number;
  readonly outboxRevokes: number;
  readonly outboxFailing: number;
  /** Notifications not yet delivered. */
  readonly notificationsWaiting: number;
  /** How long the worst revocation has outlived its end, in ms (0: none late). */
  readonly revocationLatenessMs: number;
}

export async function readDashboard(deps: Deps, caller: Caller): Promise<Dashboard> {
  requireAdmin(caller);
  // Counted by the store: the page loads no request, however many are open.
  const [open, backlog] = await Promise.all([deps.store.read((tx) => tx.requests.countOpenByStatus()), readBacklog(deps)]);
  return {
    activeNow: (open.Processing ?? 0) + (open.Active ?? 0),
    pendingApprovals: open.PendingApproval ?? 0,
    pendingMfa: open.PendingMFA ?? 0,
    outboxGrants: backlog.openGrants,
    outboxRevokes: backlog.openRevokes,
    outboxFailing: backlog.failingJobs,
    notificationsWaiting: backlog.notifications.queued,
    revocationLatenessMs: backlog.revocationLatenessMs,
  };
}
