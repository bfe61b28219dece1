import type { Command } from 'commander';
import type { AdminRequestView } from '../../app/admin/request-view.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { revokeAll, revokeRequest } from '../../app/admin/revoke.js';
import { usageError } from '../cli-error.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { isGuid } from '../pam-client.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

interface RevokeFlags extends AdminOptions {
  reason: string;
  all?: boolean;
  role?: string;
  user?: string;
}

/** The requests a revoke ended, as a table; LDAP-backed ones stay Closing until a server's outbox worker has removed them. */
export function endedTable(ended: readonly AdminRequestView[]): string {
  if (ended.length === 0) return 'nothing was open: no request ended';
  const closing = ended.some((r) => r.status === 'Closing');
  return (
    formatTable(
      ['REQUEST ID', 'ROLE', 'USER', 'STATUS', 'STARTED', 'REASON'],
      ended.map((r) => [r.requestId, r.roleName, r.login, r.status, formatLocalTime(r.startedAt), r.endNote ?? r.endReason ?? '']),
    ) + (closing ? '\n\nClosing: a running server removes the LDAP memberships and then closes the request (see elevate outbox).' : '')
  );
}

export function registerRevokeCommand(program: Command): void {
  adminCommand(program, 'revoke [requestId]', 'end a request now, whatever its state (works directly on the data directory)')
    .requiredOption('--reason <text>', 'why: the person sees it in their history, and the audit trail keeps it')
    .option('--all', 'end every open request of --role and/or --user (break-glass)')
    .option('--role <name>', 'with --all: every request of this role')
    .option('--user <login>', 'with --all: every request of this person')
    .action(async (requestId: string | undefined, f: RevokeFlags) => {
      if (f.all) {
        if (requestId !== undefined) throw usageError('give either a request id or --all, not both');
        if (f.role === undefined && f.user === undefined) throw usageError('--all needs --role NAME, --user LOGIN or both');
        const ended = await withCore(f, (core) => revokeAll(core.deps, LOCAL_OPERATOR, { role: f.role, user: f.user }, f.reason));
        emit(f, ended, () => endedTable(ended));
        return;
      }
      if (f.role !== undefined || f.user !== undefined) throw usageError('--role and --user go with --all');
      if (requestId === undefined) throw usageError('give the id of the request to revoke, or --all with --role/--user');
      if (!isGuid(requestId)) throw usageError(`'${requestId}' is not a request id (a GUID such as c0112f13-b16b-40ad-b547-07f23a7fba52)`);
      const r = await withCore(f, (core) => revokeRequest(core.deps, LOCAL_OPERATOR, requestId.toLowerCase(), f.reason));
      emit(f, r, () => endedTable([r]));
    });
}
