import type { Command } from 'commander';
import { readBacklog } from '../../app/backlog.js';
import { listOutbox } from '../../app/admin/outbox.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

export function registerOutboxCommand(program: Command): void {
  adminCommand(program, 'outbox', 'grants and revokes waiting for a directory, with the last error of each').action(async (f: AdminOptions) => {
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
