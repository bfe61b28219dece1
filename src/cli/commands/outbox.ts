import type { Command } from 'commander';
import { readBacklog } from '../../app/backlog.js';
import { listNotificationDeliveries } from '../../app/admin/notification-outbox.js';
import { listOutbox } from '../../app/admin/outbox.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

export function registerOutboxCommand(program: Command): void {
  adminCommand(program, 'outbox', 'grants and revokes waiting for a directory, with the last error of each')
    .option('--notifications', 'list the notifications waiting for their receivers (email, webhooks) instead')
    .action(async (f: AdminOptions & { notifications?: boolean }) => {
      if (f.notifications) return printNotifications(f);
      const { jobs, backlog } = await withCore(f, async (core) => ({
        jobs: await listOutbox(core.deps, LOCAL_OPERATOR),
        backlog: await readBacklog(core.deps),
      }));
      emit(f, jobs, () => {
        if (jobs.length === 0) return 'outbox empty: every grant and revoke has reached its directory';
        const late = Math.floor(backlog.revocationLatenessMs / 1000);
        const summary =
          `${backlog.openGrants} grant(s) and ${backlog.openRevokes} revoke(s) waiting, ${backlog.failingJobs} failing` +
          (late > 0 ? `; the oldest revocation is ${formatDuration(late)} late` : '');
        return (
          summary +
          '\n' +
          formatTable(
            ['JOB', 'KIND', 'GROUP', 'DIRECTORY', 'USER', 'REQUEST', 'ATTEMPTS', 'NEXT TRY', 'LAST ERROR'],
            jobs.map((j) => [
              String(j.id),
              j.kind,
              j.group,
              j.directory,
              j.login,
              j.requestId,
              String(j.attempts),
              formatLocalTime(j.nextAttemptAt),
              j.lastError ?? '-',
            ]),
          )
        );
      });
    });
}

/** `elevate outbox --notifications`: each undelivered copy of a notification, with its last error. */
async function printNotifications(f: AdminOptions): Promise<void> {
  const deliveries = await withCore(f, (core) => listNotificationDeliveries(core.deps, LOCAL_OPERATOR));
  emit(f, deliveries, () => {
    if (deliveries.length === 0) return 'no notification waiting: every one has reached its receivers';
    const failing = deliveries.filter((d) => d.attempts > 0).length;
    return (
      `${deliveries.length} notification deliver${deliveries.length === 1 ? 'y' : 'ies'} waiting, ${failing} failing\n` +
      formatTable(
        ['EVENT', 'KIND', 'REQUEST', 'RECEIVER', 'DUE', 'ATTEMPTS', 'NEXT TRY', 'LAST ERROR'],
        deliveries.map((d) => [d.notificationId, d.kind, d.requestId, d.receiver, formatLocalTime(d.dueAt), String(d.attempts), formatLocalTime(d.nextAttemptAt), d.lastError ?? '-']),
      )
    );
  });
}
