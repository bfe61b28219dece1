import type { Command } from 'commander';
import type { AdminRequestView } from '../../app/admin/request-view.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { revokeAll, revokePreview, revokeRequest } from '../../app/admin/revoke.js';
import { usageError } from '../cli-error.js';
import { type ConfirmOptions, YES_FLAG, confirmChange } from '../confirm.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { isGuid } from '../pam-client.js';
import { resolveName } from '../resolve-name.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

interface RevokeFlags extends AdminOptions, ConfirmOptions {
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

/** What a revoke ends, said before it does: each request, whose access it is and in what state. */
function revokeSummary(open: readonly AdminRequestView[]): string {
  const what = (r: AdminRequestView) =>
    r.status === 'Active' || r.status === 'Processing'
      ? `the active elevation of ${r.login} to role ${r.roleName} ends now (its groups are removed)`
      : `the ${r.status.toLowerCase()} request of ${r.login} for role ${r.roleName} ends and never starts`;
  return [`This will revoke ${open.length} request(s):`, ...open.map((r) => `  ${r.requestId}: ${what(r)}`)].join('\n');
}

export function registerRevokeCommand(program: Command): void {
  adminCommand(program, 'revoke [requestId]', 'end a request now, whatever its state (works directly on the data directory)')
    .requiredOption('--reason <text>', 'why: the person sees it in their history, and the audit trail keeps it')
    .option('--all', 'end every open request of --role and/or --user (break-glass)')
    .option('--role <name>', 'with --all: every request of this role')
    .option('--user <login>', 'with --all: every request of this person')
    .option(...YES_FLAG)
    .action(async (requestId: string | undefined, f: RevokeFlags) => {
      if (f.all) {
        if (requestId !== undefined) throw usageError('give either a request id or --all, not both');
        if (f.role === undefined && f.user === undefined) throw usageError('--all needs --role NAME, --user LOGIN or both');
        const ended = await withCore(f, async (core) => {
          const scope = {
            role: f.role === undefined ? undefined : await resolveName(core, 'role', f.role),
            user: f.user === undefined ? undefined : await resolveName(core, 'user', f.user),
          };
          const open = await revokePreview(core.deps, LOCAL_OPERATOR, scope);
          if (open.length > 0) await confirmChange(f, `revoke ${open.length} open request(s)`, revokeSummary(open));
          return revokeAll(core.deps, LOCAL_OPERATOR, scope, f.reason);
        });
        emit(f, ended, () => endedTable(ended));
        return;
      }
      if (f.role !== undefined || f.user !== undefined) throw usageError('--role and --user go with --all');
      if (requestId === undefined) throw usageError('give the id of the request to revoke, or --all with --role/--user');
      if (!isGuid(requestId)) throw usageError(`'${requestId}' is not a request id (a GUID such as c0112f13-b16b-40ad-b547-07f23a7fba52)`);
      const id = requestId.toLowerCase();
      const r = await withCore(f, async (core) => {
        // One already ended is refused by revokeRequest: nothing to ask about.
        const open = await revokePreview(core.deps, LOCAL_OPERATOR, { requestId: id });
        if (open.length > 0) await confirmChange(f, `revoke request ${id}`, revokeSummary(open));
        return revokeRequest(core.deps, LOCAL_OPERATOR, id, f.reason);
      });
      emit(f, r, () => endedTable([r]));
    });
}
