import type { Command } from 'commander';
import { usageError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { isGuid } from '../pam-client.js';
import { formatTable } from '../table.js';

/** One unreviewed use, as GET /api/me/break-glass and /api/admin/break-glass answer it. */
interface WireBreakGlassUse {
  requestId: string;
  roleName: string;
  requester: { login: string; displayName: string };
  status: string;
  startedAt: number | null;
  expiresAt: number | null;
  justification: string | null;
}

/** `elevate break-glass list|review`: the approver's side of break-glass (docs/approvals.md). */
export function registerBreakGlassCommands(program: Command): void {
  const group = program.command('break-glass').description('break-glass uses waiting for review, and reviewing them (as an approver of the role)');

  clientCommand(group, 'list', 'unreviewed break-glass uses of roles you approve (--all: every one, for administrators)')
    .option('--all', 'every unreviewed use, whoever approves it (administrators)')
    .action(async (f: ClientOptions & { all?: boolean }) => {
      const api = await connect(f);
      const { value } = (await api.get(f.all ? '/api/admin/break-glass' : '/api/me/break-glass')) as { value: WireBreakGlassUse[] };
      emit(f, value, () =>
        value.length === 0
          ? 'no break-glass use is waiting for review'
          : formatTable(
              ['REQUEST ID', 'REQUESTOR', 'ROLE', 'STATUS', 'STARTED', 'ENDS', 'JUSTIFICATION'],
              value.map((u) => [u.requestId, u.requester.login, u.roleName, u.status, formatLocalTime(u.startedAt), formatLocalTime(u.expiresAt), u.justification ?? '']),
            ),
      );
    });

  clientCommand(group, 'review <requestId>', 'record your review of a break-glass use; its requester may then use the role again')
    .requiredOption('--comment <text>', 'what was done with the access, and whether it was warranted')
    .action(async (id: string, f: ClientOptions & { comment: string }) => {
      if (!isGuid(id)) throw usageError(`'${id}' is not a request id (a GUID)`);
      const api = await connect(f);
      const done = await api.post(`/api/me/break-glass/${id.toLowerCase()}/review`, { comment: f.comment });
      emit(f, done, () => `reviewed break-glass use ${id.toLowerCase()}`);
    });
}
