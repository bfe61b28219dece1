import type { Logger } from 'pino';
import type { Core } from '../app/core.js';
import { DueWorkLoop } from '../app/due-work-loop.js';
import { notificationLoop } from '../app/notify/notification-loop.js';
import { reconcileGroups } from '../app/outbox/reconcile.js';
import { runOutbox } from '../app/outbox/run-outbox.js';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../http/metrics.js';
import { notificationChannels } from './notification-channels.js';

/**
 * The scheduler: due work (expiries, timeouts) each tick, then the outbox of directory changes when
 * a directory is configured. Its reports feed the metrics and the log; `afterPass` runs after each.
 */
export function dueWorkLoop(core: Core, config: Config, logger: Logger, metrics: Metrics, afterPass: () => void): DueWorkLoop {
  return new DueWorkLoop(
    core.deps,
    config.tickMs,
    (r) => {
      afterPass();
      metrics.expiriesHandled(r.expiryLatenessMs);
      metrics.dueWorkFailed(r.failed);
      const lateness = [...r.expiryLatenessMs].sort((a, b) => a - b);
      const maxLateMs = lateness.at(-1);
      const at = (q: number) => lateness[Math.min(lateness.length - 1, Math.floor(lateness.length * q))];
      logger.info(
        { component: 'scheduler', processed: r.processed, failed: r.failed, expiries: lateness.length, maxLateMs, p50LateMs: at(0.5), p99LateMs: at(0.99) },
        'due work done',
      );
      for (const e of r.errors) logger.error({ component: 'scheduler', requestId: e.requestId, err: e.message }, 'due work failed; will retry');
    },
    (e) => logger.error({ component: 'scheduler', err: e }, 'due work pass failed; will retry on the next tick'),
    core.directories.size === 0
      ? null
      : {
          run: () => runOutbox(core.deps, { directoryFor: (name) => core.directories.get(name), leaseMs: config.outboxLeaseSeconds * 1000 }),
          onReport: (r) => {
            metrics.revokesConfirmed(r.expiryLatenessMs);
            for (const f of r.failed) metrics.outboxFailed(f.kind);
            if (r.applied > 0) logger.info({ component: 'outbox', applied: r.applied, expiryLatenessMs: r.expiryLatenessMs }, 'directory changes applied');
            // Every failed attempt is logged at error level: a revoke that cannot reach its
            // directory is access outliving its grant, which someone must look at.
            for (const f of r.failed) {
              logger.error({ component: 'outbox', jobId: f.jobId, requestId: f.requestId, kind: f.kind, group: f.group, attempts: f.attempts, err: f.error }, `${f.kind} not applied; will retry`);
            }
          },
        },
  );
}

/** Checks the directories' group memberships against the grants, on start and every interval. */
export function startReconciler(core: Core, config: Config, logger: Logger): { stop(): void } {
  const reconcile = async () => {
    try {
      // The lease lapses a little before the next round, so some node always takes the next one.
      const leaseMs = Math.max(1000, config.reconcileIntervalSeconds * 900);
      for (const d of await reconcileGroups(core.deps, (name) => core.directories.get(name), { leaseMs })) {
        const log = d.outcome === 'failed' ? logger.error.bind(logger) : logger.warn.bind(logger);
        log({ component: 'reconciler', ...d }, `membership drift: ${d.login} ${d.kind} in ${d.group} (${d.outcome})`);
      }
    } catch (err) {
      logger.error({ component: 'reconciler', err }, 'reconciliation failed; will try again');
    }
  };
  // On start and periodically: standing access that crept in, or a revoke that was lost, is found.
  if (core.directories.size > 0) void reconcile();
  const reconciler = setInterval(() => void (core.directories.size > 0 && reconcile()), config.reconcileIntervalSeconds * 1000);
  reconciler.unref();
  return { stop: () => clearInterval(reconciler) };
}

/** Delivers the notifications the lifecycle writes, through the configured channels. */
export function notificationSender(core: Core, config: Config, logger: Logger, metrics: Metrics, portalUrl: string): ReturnType<typeof notificationLoop> {
  return notificationLoop(
    core.deps,
    { channels: notificationChannels(config, core.deps.clock, portalUrl), portalUrl, leaseMs: config.outboxLeaseSeconds * 1000, sendTimeoutMs: config.notifications.sendTimeoutMs },
    config.tickMs,
    (r) => {
      metrics.notificationsDelivered(r.latenessMs);
      for (const f of r.failed) metrics.notificationFailed(f.receiver);
      if (r.delivered > 0) logger.info({ component: 'notifications', delivered: r.delivered }, 'notifications delivered');
      // The receiver is a URL or channel name; secrets are never part of it.
      for (const f of r.failed) logger.warn({ component: 'notifications', notificationId: f.notificationId, receiver: f.receiver, attempts: f.attempts, err: f.error }, 'notification not delivered; will retry');
    },
    (e) => logger.error({ component: 'notifications', err: e }, 'notification pass failed; will retry'),
  );
}
