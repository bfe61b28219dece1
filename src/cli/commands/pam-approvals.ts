import type { Command } from 'commander';
import { usageError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { isGuid } from '../pam-client.js';
import { formatTable } from '../table.js';
import type { WireApproval } from '../wire-types.js';

function decide(program: Command, action: 'Approve' | 'Reject', description: string): void {
  clientCommand(program, `${action.toLowerCase()} <id>`, description).action(async (id: string, f: ClientOptions) => {
    if (!isGuid(id)) throw usageError(`'${id}' is not an approval or request id (a GUID)`);
    const api = await connect(f);
    // The API keys decisions by the approval's own id, but people are often handed the request id,
    // so accept either: a pending request id maps to its approval.
    const pending = await api.list<WireApproval>('pamrequeststoapprove');
    const wanted = id.toLowerCase();
    const match = pending.find((a) => a.FIMRequestID.Value.toLowerCase() === wanted);
    const approvalId = (match?.ApprovalObjectID.Value ?? wanted).toLowerCase();
    await api.post(`pamrequeststoapprove(guid'${approvalId}')/${action}`);
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
  decide(program, 'Approve', 'approve a pending request, by approval id or request id (Set-PAMRequestToApprove -Approve)');
  decide(program, 'Reject', 'reject a pending request, by approval id or request id (Set-PAMRequestToApprove -Reject)');
}
