import type { Command } from 'commander';
import { listOutbox } from '../../app/admin/outbox.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

export function registerOutboxCommand(program: Command): void {
  adminCommand(program, 'outbox', 'grants and revokes waiting for a directory, with the last error of each').action(async (f: AdminOptions) => {
    const jobs = await withCore(f, (core) => listOutbox(core.deps, LOCAL_OPERATOR));
    emit(f, jobs, () =>
      jobs.length === 0
        ? 'outbox empty: every grant and revoke has reached its directory'
        : formatTable(
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
          ),
    );
  });
}
