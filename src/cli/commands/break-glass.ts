import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { withOtp } from '../otp-input.js';
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
    .option('--otp <code>', 'your authenticator code, for a role whose approvers must pass MFA (asked on a terminal otherwise)')
    .action(async (id: string, f: ClientOptions & { comment: string; otp?: string }) => {
      if (!isGuid(id)) throw usageError(`'${id}' is not a request id (a GUID)`);
      const api = await connect(f);
      const url = `/api/me/break-glass/${id.toLowerCase()}/review`;
      let done: unknown;
      try {
        done = await api.post(url, { comment: f.comment, ...(f.otp !== undefined && { code: f.otp }) });
      } catch (e) {
        // A role whose approvers pass MFA asks the same of its reviewers: ask for a code on a terminal.
        if (!(e instanceof CliError) || e.serverCode !== 'MfaRequired' || f.otp !== undefined) throw e;
        done = await withOtp(undefined, 'This role asks its reviewers for MFA; code from your authenticator: ', (code) => api.post(url, { comment: f.comment, code }));
        if (done === null) throw new CliError(`${e.message}\nPass --otp <code> to review it.`);
      }
      emit(f, done, () => `reviewed break-glass use ${id.toLowerCase()}`);
    });
}
