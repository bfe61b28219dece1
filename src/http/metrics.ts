import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditExportReport } from '../app/audit/export-audit.js';
import type { BacklogView } from '../app/backlog.js';

/** One sink's lag, as exportLag (app/audit/export-audit.ts) reads it. */
export interface AuditExportLag {
  readonly sink: string;
  readonly lagRecords: number;
  readonly lagMs: number;
}

// From a tick's worth of delay to the minutes a directory outage costs.
const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/**
 * Elevate's Prometheus metrics, one registry per server (so tests and several apps in one process
 * never share counters). The backlog gauges are read from the store at scrape time, so they hold
 * on every node and survive restarts; the histograms describe what this node did since it started.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #expiryLateness: Histogram;
  readonly #revokeLateness: Histogram;
  readonly #outboxFailures: Counter<'kind'>;
  readonly #dueFailures: Counter;
  readonly #notificationFailures: Counter<'channel'>;
  readonly #notificationLateness: Histogram;
  readonly #backlog: () => Promise<BacklogView>;
  readonly #watchExport: (read: () => Promise<readonly AuditExportLag[]>) => void;
  readonly #exportFailures: Counter<'sink'>;
  readonly #exportRecords: Counter<'sink' | 'type'>;
  #snapshot: Promise<BacklogView> | null = null;

  /** `processMetrics` adds Node's CPU, memory and event-loop figures (one set per process, so the server's only). */
  constructor(backlog: () => Promise<BacklogView>, opts: { processMetrics: boolean }) {
    const registers = [this.registry];
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.#expiryLateness = new Histogram({
      name: 'elevate_expiry_handling_lateness_seconds',
      help: 'Time from an elevation expiring to the scheduler ending it in the store.',
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.#revokeLateness = new Histogram({
      name: 'elevate_revoke_confirmation_lateness_seconds',
      help: 'Time from an elevation expiring to its directory confirming the membership is gone.',
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.#outboxFailures = new Counter({
      name: 'elevate_outbox_failures_total',
      help: 'Directory grants and revokes that failed and will be retried.',
      labelNames: ['kind'],
      registers,
    });
    this.#dueFailures = new Counter({
      name: 'elevate_due_work_failures_total',
      help: 'Scheduled steps (starts, expiries, timeouts) that failed and will be retried.',
      registers,
    });

    this.#notificationFailures = new Counter({
      name: 'elevate_notification_failures_total',
      help: 'Notification deliveries that failed and will be retried, by channel type (email, webhook, slack, teams).',
      labelNames: ['channel'],
      registers,
    });
    this.#notificationLateness = new Histogram({
      name: 'elevate_notification_delivery_lateness_seconds',
      help: 'Time from a notification being due to its receiver accepting it.',
      buckets: LATENESS_BUCKETS,
      registers,
    });

    // Read from the store at scrape time (cursor against head), so a sink in backoff, or held by
    // another node, still shows how far behind it is.
    const exportLag = (name: string, help: string, value: (l: AuditExportLag) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['sink'],
        registers,
        collect: async function (this: Gauge<'sink'>) {
          for (const l of (await readExportLag?.()) ?? []) this.set({ sink: l.sink }, value(l));
        },
      });
    let readExportLag: (() => Promise<readonly AuditExportLag[]>) | null = null;
    this.#watchExport = (read) => (readExportLag = read);
    exportLag('elevate_audit_export_lag_records', 'Audit entries the sink has not accepted yet.', (l) => l.lagRecords);
    exportLag('elevate_audit_export_lag_seconds', 'How long the oldest audit entry the sink has not accepted has waited. Alert on this.', (l) => l.lagMs / 1000);
    this.#exportFailures = new Counter({
      name: 'elevate_audit_export_failures_total',
      help: 'Audit export batches the sink did not accept (retried with backoff).',
      labelNames: ['sink'],
      registers,
    });
    this.#exportRecords = new Counter({
      name: 'elevate_audit_export_records_total',
      help: 'Records this node sent to the sink and the sink accepted, by type (audit, checkpoint).',
      labelNames: ['sink', 'type'],
      registers,
    });

    // One store read per scrape feeds every backlog gauge (render() takes it before collecting).
    this.#backlog = backlog;
    const read = () => this.#snapshot ?? backlog();
    const gauge = (name: string, help: string, value: (b: BacklogView) => number, labelNames: string[] = []) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const b = await read();
          if (labelNames.length === 0) this.set(value(b));
        },
      });
    gauge(
      'elevate_revocation_lateness_seconds',
      'How long the worst access has outlived its end right now (expiry not yet handled, or revoke not yet confirmed). Alert on this.',
      (b) => b.revocationLatenessMs / 1000,
    );
    gauge('elevate_due_lag_seconds', 'How far the scheduler is behind its oldest due step.', (b) => b.dueLagMs / 1000);
    gauge('elevate_due_requests', 'Scheduled steps due now and not yet done.', (b) => b.dueRequests);
    gauge('elevate_notification_queue_depth', 'Notification deliveries not yet made (and due events not yet fanned out).', (b) => b.notifications.queued);
    gauge('elevate_notification_failing_deliveries', 'Notification deliveries whose last attempt failed.', (b) => b.notifications.failing);
    gauge('elevate_notification_oldest_wait_seconds', 'How long the oldest due, undelivered notification has waited.', (b) => b.notifications.oldestWaitMs / 1000);
    gauge('elevate_outbox_failing_jobs', 'Open directory jobs whose last attempt failed.', (b) => b.failingJobs);
    gauge('elevate_break_glass_unreviewed', 'Break-glass uses waiting for an approver to review them.', (b) => b.breakGlass.unreviewed);
    // A counter read from the store at each scrape (never reset by a restart, the same on every node).
    new Counter({
      name: 'elevate_break_glass_activations_total',
      help: 'Break-glass activations: requests of break-glass roles that gave access, without approval.',
      registers,
      async collect() {
        const b = await read();
        this.reset();
        this.inc(b.breakGlass.activations);
      },
    });
    new Gauge({
      name: 'elevate_outbox_open_jobs',
      help: 'Directory grants and revokes not yet confirmed.',
      labelNames: ['kind'],
      registers,
      async collect() {
        const b = await read();
        this.set({ kind: 'grant' }, b.openGrants);
        this.set({ kind: 'revoke' }, b.openRevokes);
      },
    });
  }

  expiriesHandled(latenessMs: readonly number[]): void {
    for (const ms of latenessMs) this.#expiryLateness.observe(ms / 1000);
  }

  revokesConfirmed(latenessMs: readonly number[]): void {
    for (const ms of latenessMs) this.#revokeLateness.observe(ms / 1000);
  }

  outboxFailed(kind: 'grant' | 'revoke'): void {
    this.#outboxFailures.inc({ kind });
  }

  /** `channel` is the receiver's type: the part of its name before the first colon. */
  notificationFailed(receiver: string): void {
    this.#notificationFailures.inc({ channel: receiver.split(':', 1)[0]! });
  }

  notificationsDelivered(latenessMs: readonly number[]): void {
    for (const ms of latenessMs) this.#notificationLateness.observe(ms / 1000);
  }

  /** Where the export lag gauges read each sink's lag from at scrape time. */
  watchAuditExport(read: () => Promise<readonly AuditExportLag[]>): void {
    this.#watchExport(read);
  }

  auditExported(r: AuditExportReport): void {
    if (r.entries > 0) this.#exportRecords.inc({ sink: r.sink, type: 'audit' }, r.entries);
    if (r.checkpoints > 0) this.#exportRecords.inc({ sink: r.sink, type: 'checkpoint' }, r.checkpoints);
    if (r.error !== null) this.#exportFailures.inc({ sink: r.sink });
  }

  /** A pass that failed outright (the store could not be read): counted as the sink's failure. */
  auditExportFailed(sink: string): void {
    this.#exportFailures.inc({ sink });
  }

  dueWorkFailed(n: number): void {
    if (n > 0) this.#dueFailures.inc(n);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    const snapshot = this.#backlog();
    this.#snapshot = snapshot;
    try {
      await snapshot; // a store that cannot answer fails the scrape (503), not one gauge silently
      return await this.registry.metrics();
    } finally {
      if (this.#snapshot === snapshot) this.#snapshot = null;
    }
  }
}
