import type { Deps } from '../deps.js';
import { PassLoop } from '../pass-loop.js';
import { type NotificationOptions, type NotificationReport, runNotifications } from './run-notifications.js';

/**
 * The notification worker's loop, apart from the scheduler's: a receiver that is slow never delays
 * an expiry. It runs at start (what a crash left unsent goes out now), whenever a commit wrote work,
 * and when something is next due (a retry, a held-back warning).
 */
export function notificationLoop(deps: Deps, opts: NotificationOptions, tickMs: number, onReport: (r: NotificationReport) => void, onError: (e: unknown) => void): PassLoop {
  const pass = async () => {
    try {
      const r = await runNotifications(deps, opts);
      if (r.fannedOut > 0 || r.delivered > 0 || r.failed.length > 0) onReport(r);
    } catch (e) {
      onError(e);
    }
  };
  return new PassLoop(deps, tickMs, pass, () => deps.store.read((tx) => tx.notifications.nextAt()));
}
