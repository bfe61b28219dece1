import type { Command } from 'commander';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit, yesNo } from '../output.js';
import { formatTable } from '../table.js';
import { type WireRequest, type WireRole, odataDateTime } from '../wire-types.js';

/** `08:00-18:00` from the wire's times of day on 0001-01-01. */
export const wireWindow = (r: WireRole) => (r.AvailabilityWindowEnabled ? `${r.AvailableFrom.slice(11, 16)}-${r.AvailableTo.slice(11, 16)}` : 'any time');

export function registerPamRolesCommand(program: Command): void {
  clientCommand(program, 'roles', 'the roles you may request, and until when each is active for you (Get-PAMRoleForRequest)')
    .action(async (f: ClientOptions) => {
      const api = await connect(f);
      const roles = await api.list<WireRole>('pamroles');
      // The sample portal's Activate page finds active roles the same way.
      const active = await api.list<WireRequest>('pamrequests', `RequestStatus eq 'Active' and ExpirationTime gt ${odataDateTime(Date.now())}`);
      const until = new Map<string, string>();
      for (const r of active) if ((until.get(r.RoleId) ?? '') < r.ExpirationTime) until.set(r.RoleId, r.ExpirationTime);
      emit(
        f,
        roles.map((r) => ({ ...r, ActiveUntil: until.get(r.RoleId) ?? null })),
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
              ),
      );
    });
}
