import type { Command } from 'commander';
import { CliError, usageError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { withOtp } from '../otp-input.js';
import { pickApproval } from '../pick-approval.js';
import { type PamClient, isGuid } from '../pam-client.js';
import { formatTable } from '../table.js';
import type { WireApproval, WireRequest } from '../wire-types.js';

/**
 * A request id that is not among the caller's approvals: say so precisely when it is the caller's
 * own request (the API keys decisions by approval id, so it cannot tell from a request id).
 */
async function whyNotWaiting(api: PamClient, id: string, e: CliError): Promise<CliError> {
  const own = await api.list<WireRequest>('pamrequests', `RequestId eq guid'${id}'`).catch(() => []);
  if (own.length > 0) return new CliError('you cannot approve or reject your own request; another approver of the role must decide', 1, 'SelfApproval');
  return new CliError(`${e.message} It may have been decided already, or it is not yours to decide (see: elevate approvals).`, 1, e.serverCode);
}

/** The caller's account domain, from the session (`PRIV\\jen`): the wire's Requestor joins it with a dot. */
async function accountDomain(api: PamClient): Promise<string> {
  const [session] = await api.list<{ Username: string }>('sessioninfo');
  return session?.Username.split('\\')[0] ?? '';
}

function decide(program: Command, action: 'Approve' | 'Reject', description: string): Command {
  const cmd = clientCommand(program, `${action.toLowerCase()} <id-or-login>`, description);
  cmd.option('--role <name>', 'with a requester\'s login: the role of their request (any case), when they have several waiting');
  return cmd.action(async (id: string, f: ClientOptions & { otp?: string; role?: string }) => {
    if (isGuid(id) && f.role !== undefined) throw usageError('--role goes with a requester\'s login, not an id');
    const api = await connect(f);
    // The API keys decisions by the approval's own id, but people are often handed the request id,
    // or know only who asked: accept either id, or a requester's login (with --role when needed).
    const pending = await api.list<WireApproval>('pamrequeststoapprove');
    const wanted = id.toLowerCase();
    const match = isGuid(id) ? pending.find((a) => a.FIMRequestID.Value.toLowerCase() === wanted) : pickApproval(pending, await accountDomain(api), id, f.role);
    const approvalId = (match?.ApprovalObjectID.Value ?? wanted).toLowerCase();
    const url = `pamrequeststoapprove(guid'${approvalId}')/${action}`;
    try {
      await api.post(url, f.otp === undefined ? undefined : { Code: f.otp });
    } catch (e) {
      if (e instanceof CliError && e.serverCode === 'ApprovalNotFound' && !match) throw await whyNotWaiting(api, wanted, e);
      // Roles with approver step-up refuse an approval without a code: ask for one on a terminal.
      if (!(e instanceof CliError) || e.serverCode !== 'MfaRequired' || f.otp !== undefined) throw e;
      const done = await withOtp(undefined, 'This role asks approvers for MFA; code from your authenticator: ', (code) => api.post(url, { Code: code }));
      if (done === null) throw new CliError(`${e.message}\nPass --otp <code> to approve it.`);
    }
    const verb = action === 'Approve' ? 'approved' : 'rejected';
    emit(f, { [verb]: approvalId }, () => `${verb} ${match ? `${match.Requestor}'s request for ${match.RoleName}` : `approval ${approvalId}`}`);
  });
}

export function registerPamApprovalCommands(program: Command): void {
  clientCommand(program, 'approvals', 'requests waiting for your approval (Get-PAMRequestToApprove)').action(async (f: ClientOptions) => {
    const api = await connect(f);
    const pending = await api.list<WireApproval>('pamrequeststoapprove');
    emit(f, pending, () =>
      pending.length === 0
        ? 'nothing is waiting for your approval'
        : formatTable(
            ['APPROVAL ID', 'REQUESTOR', 'ROLE', 'TTL', 'REQUESTED TIME', 'CREATED', 'JUSTIFICATION'],
            pending.map((a) => [
              a.ApprovalObjectID.Value,
              a.Requestor,
              a.RoleName,
              formatDuration(a.RequestedTTL),
              formatLocalTime(a.RequestedTime),
              formatLocalTime(a.CreationTime),
              a.Justification ?? '',
            ]),
          ),
    );
  });
  decide(program, 'Approve', 'approve a pending request, by approval id, request id or requester login (Set-PAMRequestToApprove -Approve)').option(
    '--otp <code>',
    'your authenticator code, for roles whose approvers must pass MFA (asked for on a terminal when needed)',
  );
  decide(program, 'Reject', 'reject a pending request, by approval id, request id or requester login (Set-PAMRequestToApprove -Reject)');
}
