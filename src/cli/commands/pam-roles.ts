import type { Command } from 'commander';
import type { ApprovalPath } from '../../wire/approvals.js';
import { approvalPathOf } from '../approval-reads.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit, yesNo } from '../output.js';
import { formatTable, printable } from '../table.js';
import { type WireRequest, type WireRole, odataDateTime } from '../wire-types.js';

/** `08:00-18:00` from the wire's times of day on 0001-01-01. */
export const wireWindow = (r: WireRole) => (r.AvailabilityWindowEnabled ? `${r.AvailableFrom.slice(11, 16)}-${r.AvailableTo.slice(11, 16)}` : 'any time');

/** `2 of bob, carol, DBA Leads (group) -> 1 of dave`, and what else the role asks of whom. */
export function approvalLine(p: ApprovalPath): string {
  const stages = p.stages.map((s) => `${s.required} of ${[...s.approvers.map((a) => a.login), ...s.approverGroups.map((g) => `${g} (group)`)].join(', ')}`);
  const extras = [
    p.approverMfaRequired ? 'approvers use MFA' : '',
    p.justificationRequired ? `justification required${p.justificationMinLength > 0 ? ` (at least ${p.justificationMinLength} characters)` : ''}` : '',
    p.ticketPattern === null ? '' : `ticket matching ${p.ticketPattern}`,
    rulesLine(p),
  ].filter((e) => e !== '');
  return `${stages.join(' -> ')}${extras.length > 0 ? `; ${extras.join('; ')}` : ''}`;
}

/** `auto-approved when: in group On-call, Mon-Fri 08:00-18:00 (rule 'on-call') or ...`, or '' without rules. */
function rulesLine(p: ApprovalPath): string {
  return p.autoApprove.length === 0 ? '' : `auto-approved when: ${p.autoApprove.map((r) => `${r.when} (rule '${r.name}')`).join(' or ')}`;
}

/**
 * A break-glass role asks nobody before; its path's approvers review each use after. Said as such,
 * so nobody waits for an approval that will not be asked.
 */
export function breakGlassLine(p: ApprovalPath & { breakGlass: NonNullable<ApprovalPath['breakGlass']> }): string {
  const reviewers = p.stages.flatMap((s) => [...s.approvers.map((a) => a.login), ...s.approverGroups.map((g) => `${g} (group)`)]);
  return [
    'no approval asked',
    `at most ${formatDuration(p.breakGlass.maxTtlSeconds)}`,
    p.breakGlass.mfaRequired ? 'MFA still required' : '',
    'audited as break-glass',
    `each use reviewed afterwards by one of ${[...new Set(reviewers)].join(', ')}${p.approverMfaRequired ? ' (with MFA)' : ''}`,
  ]
    .filter((e) => e !== '')
    .join('; ');
}

export function registerPamRolesCommand(program: Command): void {
  clientCommand(program, 'roles', 'the roles you may request, and until when each is active for you (Get-PAMRoleForRequest)')
    .action(async (f: ClientOptions) => {
      const api = await connect(f);
      const roles = await api.list<WireRole>('pamroles');
      // The sample portal's Activate page finds active roles the same way.
      const active = await api.list<WireRequest>('pamrequests', `RequestStatus eq 'Active' and ExpirationTime gt ${odataDateTime(Date.now())}`);
      const until = new Map<string, string>();
      for (const r of active) if ((until.get(r.RoleId) ?? '') < r.ExpirationTime) until.set(r.RoleId, r.ExpirationTime);
      const paths = await Promise.all(roles.map((r) => approvalPathOf(api, r)));
      const approvalLines = roles.flatMap((r, i) => {
        const p = paths[i];
        if (!p) return [];
        if (p.breakGlass) return [`${r.DisplayName}: break-glass: ${breakGlassLine({ ...p, breakGlass: p.breakGlass })}`];
        const forecast = p.autoApproveForecast ? [`${r.DisplayName}: ${p.autoApproveForecast.note}`] : [];
        return [`${r.DisplayName}: approval: ${approvalLine(p)}`, ...forecast];
      });
      emit(
        f,
        roles.map((r, i) => ({ ...r, ActiveUntil: until.get(r.RoleId) ?? null, approvalPath: paths[i] ?? null })),
        () =>
          roles.length === 0
            ? 'there are no roles you may request'
            : formatTable(
                ['ROLE', 'MAX TTL', 'MFA', 'APPROVAL', 'WINDOW', 'ACTIVE UNTIL', 'DESCRIPTION'],
                roles.map((r) => [
                  r.DisplayName,
                  formatDuration(r.TTL),
                  yesNo(r.MFAEnabled),
                  yesNo(r.ApprovalEnabled),
                  wireWindow(r),
                  formatLocalTime(until.get(r.RoleId)),
                  r.Description ?? '',
                ]),
              ) + (approvalLines.length > 0 ? `\n\n${approvalLines.map(printable).join('\n')}` : ''),
      );
    });
}
