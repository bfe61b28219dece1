import { type Command, InvalidArgumentError } from 'commander';
import { CliError, usageError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { formatDuration, formatLocalTime } from '../format-time.js';
import { emit, formatFields } from '../output.js';
import { ruleThatApproved, rulesThatApproved } from '../approval-reads.js';
import { withOtp } from '../otp-input.js';
import { type PamClient, isGuid, odataString } from '../pam-client.js';
import { matchName } from '../names.js';
import { parseDuration } from '../parse-duration.js';
import { formatTable } from '../table.js';
import { REQUEST_STATUSES, type WireEnding, type WireRequest, type WireRole, odataDateTime } from '../wire-types.js';

interface RequestFlags extends ClientOptions {
  ttl?: number;
  justification?: string;
  ticket?: string;
  at?: number;
}

interface RequestsFlags extends ClientOptions {
  since?: number;
  status?: string;
}

const ttlArg = (v: string) => {
  try {
    return parseDuration(v, 'the TTL');
  } catch (e) {
    throw new InvalidArgumentError((e as CliError).message);
  }
};

/**
 * A time the person typed. Without a zone it is their own local time (Date reads it so), which is
 * what someone at a terminal means; it goes on the wire as UTC so the server's zone cannot change it.
 */
export const timeArg = (v: string) => {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected a date and time such as 2025-01-31T08:00 (local), 2025-01-31T07:00:00Z or 2025-01-31 08:00');
  return t;
};

const statusArg = (v: string) => {
  const s = REQUEST_STATUSES.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!s) throw new InvalidArgumentError(`expected one of ${REQUEST_STATUSES.join(', ')}`);
  return s;
};

/** A role by id or by display name, among the roles the caller may request. */
async function findRole(api: PamClient, role: string): Promise<WireRole> {
  const filter = isGuid(role) ? `RoleId eq guid'${role.toLowerCase()}'` : `DisplayName eq ${odataString(role)}`;
  const found = await api.list<WireRole>('pamroles', filter);
  if (found.length > 0 || isGuid(role)) {
    if (found.length === 0) throw new CliError(`there is no role '${role}' that you may request (see: elevate roles)`);
    return found[0]!;
  }
  // Names are matched ignoring case, and a typo gets a suggestion, among the roles the caller may request.
  const all = await api.list<WireRole>('pamroles');
  const name = matchName(role, all.map((r) => r.DisplayName), 'role', ' that you may request (see: elevate roles)');
  return all.find((r) => r.DisplayName === name)!;
}

/** The TTL to ask for: the one given, within the role's longest, or that longest when none is given. */
function ttlFor(r: WireRole, ttl: number | undefined): number {
  const max = Number(r.TTL);
  if (ttl === undefined) return max;
  if (Number.isFinite(max) && max > 0 && ttl > max) throw new CliError(`--ttl ${formatDuration(ttl)} is too long: at most ${formatDuration(max)} for this role`);
  return ttl;
}

/** A request's TTL as people read it; 0 is a deactivation, which the sample portal shows as "Deactivate". */
const requestedTtl = (r: WireRequest): string => (r.RequestedTTL === '0' ? 'deactivate' : formatDuration(r.RequestedTTL));

function describe(r: WireRequest, roleName: string): string {
  return formatFields([
    ['request', r.RequestId],
    ['role', roleName],
    ['status', r.RequestStatus],
    ['requested ttl', requestedTtl(r)],
    ['requested time', formatLocalTime(r.RequestedTime)],
    ['created', formatLocalTime(r.CreationTime)],
    ['expires', formatLocalTime(r.ExpirationTime)],
    ['justification', r.Justification ?? '-'],
  ]);
}

/** Why requests ended (an Elevate extension beside Get-PAMRequest); empty from a server without it. */
async function endingsOf(api: PamClient, ids: readonly string[]): Promise<Map<string, WireEnding>> {
  const out = new Map<string, WireEnding>();
  for (let i = 0; i < ids.length; i += 200) {
    let body: { value?: WireEnding[] } | undefined;
    try {
      body = (await api.get(`/api/me/endings?ids=${ids.slice(i, i + 200).map(encodeURIComponent).join(',')}`)) as typeof body;
    } catch (e) {
      // A MIM server, or an Elevate from before endings, answers 404: the table just has no reasons.
      if (e instanceof CliError && e.serverCode === 'NotFound') return out;
      throw e;
    }
    for (const e of body?.value ?? []) out.set(e.RequestId, e);
  }
  return out;
}

/** The reason codes in words; an administrator's own words follow where they gave some. */
const WHY: Record<string, string> = {
  closed: 'you closed it',
  deactivated: 'you deactivated it',
  superseded: 'extended by a later request',
  expired: 'its time ran out',
  'timed-out': 'waited too long',
  rejected: 'rejected by an approver',
  'mfa-failed': 'too many wrong MFA codes',
  'window-missed': 'outside its availability window',
  revoked: 'revoked by an administrator',
  'account-disabled': 'your account was disabled',
  'account-locked': 'your account was locked',
  'role-changed': 'the role was changed',
};

function whyEnded(e: WireEnding | undefined): string {
  if (!e?.EndReason) return '';
  const words = WHY[e.EndReason] ?? e.EndReason;
  return e.EndNote ? `${words}: ${e.EndNote}` : words;
}

/** What the person should expect next, for the states that wait on something. */
const NEXT: Partial<Record<string, string>> = {
  PendingApproval: 'waiting for an approver (they see it with: elevate approvals)',
  PendingMFA: 'waiting for your MFA code: elevate verify-mfa <request id> --otp <code> (or pass --otp to request)',
  Scheduled: 'will be activated at the requested time',
};

export function registerPamRequestCommands(program: Command): void {
  clientCommand(program, 'request <role>', 'request a role by name or id (New-PAMRequest); a request while active extends it')
    .option('--ttl <duration>', "how long: seconds or e.g. 30m, 2h (default: the role's longest); 0 deactivates: a request of its own that ends your active elevation for the role", ttlArg)
    .option('--justification <text>', 'why you need it')
    .option('--ticket <id>', "the ticket reference the role may require (e.g. INC123456), sent as TicketId")
    .option('--at <time>', 'start later (your local time unless it carries Z or an offset)', timeArg)
    .option('--otp <code>', 'the code from your authenticator, for roles that need MFA (asked for on a terminal when left out)')
    .action(async (role: string, f: RequestFlags & { otp?: string }) => {
      const api = await connect(f);
      const r = await findRole(api, role);
      const params: Record<string, string> = { RoleId: r.RoleId, RequestedTTL: String(ttlFor(r, f.ttl)) };
      if (f.justification !== undefined) params.Justification = f.justification;
      if (f.ticket !== undefined) params.TicketId = f.ticket;
      if (f.at !== undefined) params.RequestedTime = new Date(f.at).toISOString();
      let created = (await api.post('pamrequests', params)) as WireRequest | undefined;
      if (!created?.RequestId) throw new CliError('the server accepted the request but did not return it');
      if (created.RequestStatus === 'PendingMFA') {
        const id = created.RequestId;
        const verified = await withOtp(f.otp, `MFA code for ${r.DisplayName}: `, async (code) => (await api.post(`pamrequests(guid'${id}')/VerifyMFA`, { Code: code })) as WireRequest);
        if (verified) created = verified;
      }
      const rule = r.ApprovalEnabled ? await ruleThatApproved(api, created) : null;
      emit(f, created, () => {
        // The answer to a deactivation is the deactivation itself, Closed at once; the elevation it
        // ended is listed by `elevate requests`.
        const next = created.RequestedTTL === '0' ? `your elevation of ${r.DisplayName} has ended; its groups are being removed` : NEXT[created.RequestStatus];
        return describe(created, r.DisplayName) + (rule ? `\n\napproved by rule '${rule}' (nobody was asked)` : '') + (next ? `\n\n${next}` : '');
      });
    });

  clientCommand(program, 'requests', 'your requests, oldest first (Get-PAMRequest)')
    .option('--since <time>', 'only requests created at or after this time', timeArg)
    .option('--status <status>', `only requests in this status (${REQUEST_STATUSES.join(', ')})`, statusArg)
    .action(async (f: RequestsFlags) => {
      const api = await connect(f);
      const clauses: string[] = [];
      if (f.since !== undefined) clauses.push(`CreationTime ge ${odataDateTime(f.since)}`);
      if (f.status !== undefined) clauses.push(`RequestStatus eq ${odataString(f.status)}`);
      const requests = await api.list<WireRequest>('pamrequests', clauses.length ? clauses.join(' and ') : undefined);
      requests.sort((a, b) => Date.parse(a.CreationTime) - Date.parse(b.CreationTime));
      // Roles no longer requestable are shown by id: the API names only the caller's current roles.
      const roles = await api.list<WireRole>('pamroles');
      const names = new Map(roles.map((r) => [r.RoleId, r.DisplayName]));
      const endings = await endingsOf(api, requests.map((r) => r.RequestId));
      const byRule = await rulesThatApproved(api, requests, roles);
      // --json: the wire entries, with EndReason and EndNote beside them once a request has ended,
      // and AutoApprovedBy when a rule approved it (the MIM shape itself is unchanged).
      const withExtras = requests.map((r) => {
        const e = endings.get(r.RequestId);
        const rule = byRule.get(r.RequestId);
        return { ...r, ...(e && { EndReason: e.EndReason, EndNote: e.EndNote }), ...(rule && { AutoApprovedBy: rule }) };
      });
      // The column appears only when some request was approved by a rule: most histories have none.
      const ruleColumn = byRule.size > 0;
      emit(f, withExtras, () =>
        requests.length === 0
          ? 'no requests match'
          : formatTable(
              ['REQUEST ID', 'ROLE', 'STATUS', 'CREATED', 'EXPIRES', 'TTL', 'JUSTIFICATION', 'WHY IT ENDED', ...(ruleColumn ? ['APPROVED BY RULE'] : [])],
              requests.map((r) => [
                r.RequestId,
                names.get(r.RoleId) ?? r.RoleId,
                r.RequestStatus,
                formatLocalTime(r.CreationTime),
                formatLocalTime(r.ExpirationTime),
                requestedTtl(r),
                r.Justification ?? '',
                whyEnded(endings.get(r.RequestId)),
                ...(ruleColumn ? [byRule.get(r.RequestId) ?? ''] : []),
              ]),
            ),
      );
    });

  clientCommand(program, 'close <id>', 'end one of your requests, pending or active (Close-PAMRequest)').action(async (id: string, f: ClientOptions) => {
    if (!isGuid(id)) throw usageError(`'${id}' is not a request id (a GUID such as c0112f13-b16b-40ad-b547-07f23a7fba52)`);
    const api = await connect(f);
    await api.post(`pamrequests(guid'${id.toLowerCase()}')/Close`);
    emit(f, { closed: id.toLowerCase() }, () => `closed request ${id.toLowerCase()}`);
  });

  clientCommand(program, 'verify-mfa <id>', 'answer the MFA challenge of a request waiting in PendingMFA')
    .requiredOption('--otp <code>', 'the 6-digit code from your authenticator')
    .action(async (id: string, f: ClientOptions & { otp: string }) => {
      if (!isGuid(id)) throw usageError(`'${id}' is not a request id (a GUID such as c0112f13-b16b-40ad-b547-07f23a7fba52)`);
      const api = await connect(f);
      const r = (await api.post(`pamrequests(guid'${id.toLowerCase()}')/VerifyMFA`, { Code: f.otp })) as WireRequest;
      emit(f, r, () => describe(r, r.RoleId));
    });
}
