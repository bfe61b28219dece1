// Every call the portal makes goes through here: same-origin fetch with the session cookie, the
// session's CSRF token on each change, and server errors turned into sentences a person can act on.

import type { AdminRole, AuditEntry, Group, GroupMember, GroupMembers, GroupMembersChange, Holding, User } from '../../src/wire/admin.js';
import type { ApprovalPath, ApprovalProgress } from '../../src/wire/approvals.js';
import type { EnrolmentCode, Factors, Passkey, TotpEnrolment } from '../../src/wire/mfa.js';
import type { RequestStatus, WireApproval, WireEnding, WireRequest, WireRole } from '../../src/wire/mim.js';
import type { SessionAnswer, SignInMethods } from '../../src/wire/session.js';

// The wire types are the server's (src/wire/, zod): imported as types only, so nothing of the
// server is bundled, and a change of shape there fails the portal's type check here.
export type { AdminRole, ApprovalPath, ApprovalProgress, AuditEntry, EnrolmentCode, Factors, Group, GroupMember, GroupMembers, GroupMembersChange, Holding, Passkey, RequestStatus, SignInMethods, TotpEnrolment, User };
export type Role = WireRole;
export type ApprovalStage = NonNullable<AdminRole['approval']>['stages'][number];
/** An auto-approval rule: what the admin API shows is what it takes (docs/approvals.md). */
export type AutoApproveRule = AdminRole['autoApprove'][number];
export type PamRequest = WireRequest;
export type Approval = WireApproval;
/** Why a request ended: an Elevate extension joined to pamrequests by RequestId (docs/revoke-api.md). */
export type Ending = WireEnding;

export const CSRF_HEADER = 'x-csrf-token';
const PAM = '/api/pamresources';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Me = Pick<SessionAnswer, 'login' | 'isAdmin'>;

// Kept in memory only: a script injected elsewhere cannot read it from storage, and a reload gets
// it again from GET /api/session.
let csrfToken: string | null = null;
let onSessionEnded: (message: string) => void = () => {};

/** The shell registers how to go back to the sign-in page when the server says the session is over. */
export function whenSessionEnds(fn: (message: string) => void): void {
  onSessionEnded = fn;
}

function messageOf(status: number, body: unknown): { code: string; message: string } {
  const err = (body as { 'odata.error'?: { code?: unknown; message?: { value?: unknown } } } | null)?.['odata.error'];
  if (err && typeof err.message?.value === 'string') return { code: String(err.code ?? status), message: err.message.value };
  if (status >= 500) return { code: String(status), message: `Elevate had a problem handling this (HTTP ${status}). Try again; if it keeps happening, tell your administrator.` };
  return { code: String(status), message: `The server refused this (HTTP ${status}).` };
}

export async function call<T>(method: string, url: string, body?: unknown, opts: { signIn?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'Network', 'Elevate did not answer. Check your network connection and try again.');
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const { code, message } = messageOf(res.status, parsed);
    // A wrong password at the sign-in form is not an ended session.
    if (res.status === 401 && !opts.signIn) {
      csrfToken = null;
      onSessionEnded(message);
    }
    throw new ApiError(res.status, code, message);
  }
  return parsed as T;
}

// Session ---------------------------------------------------------------------------------------

export async function currentSession(): Promise<Me | null> {
  try {
    const s = await call<SessionAnswer>('GET', '/api/session', undefined, { signIn: true });
    csrfToken = s.csrfToken;
    return { login: s.login, isAdmin: s.isAdmin };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function signInMethods(): Promise<SignInMethods> {
  return call<SignInMethods>('GET', '/api/session/methods', undefined, { signIn: true });
}

export async function signIn(login: string, password: string): Promise<Me> {
  const s = await call<SessionAnswer>('POST', '/api/session/login', { login, password }, { signIn: true });
  csrfToken = s.csrfToken;
  return { login: s.login, isAdmin: s.isAdmin };
}

export async function signOut(everywhere: boolean): Promise<void> {
  await call('POST', everywhere ? '/api/session/logout-everywhere' : '/api/session/logout');
  csrfToken = null;
}

// PAM (the MIM-compatible API) -----------------------------------------------------------------

export const REQUEST_STATUSES: readonly RequestStatus[] = ['PendingMFA', 'PendingApproval', 'Scheduled', 'Processing', 'Active', 'Closing', 'Closed', 'Expired', 'Rejected'];
export const OPEN_STATUSES: readonly RequestStatus[] = ['PendingMFA', 'PendingApproval', 'Scheduled', 'Processing', 'Active', 'Closing'];

const list = async <T>(url: string): Promise<T[]> => (await call<{ value: T[] }>('GET', url)).value;
const odataQuery = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export const pam = {
  roles: () => list<Role>(`${PAM}/pamroles?${odataQuery({ $orderby: 'DisplayName' })}`),
  openRequests: () =>
    list<PamRequest>(`${PAM}/pamrequests?${odataQuery({ $filter: OPEN_STATUSES.map((s) => `RequestStatus eq '${s}'`).join(' or '), $orderby: 'CreationTime desc' })}`),
  history: (filter: string) => list<PamRequest>(`${PAM}/pamrequests?${odataQuery({ ...(filter ? { $filter: filter } : {}), $orderby: 'CreationTime desc', $top: '200' })}`),
  approvals: () => list<Approval>(`${PAM}/pamrequeststoapprove?${odataQuery({ $orderby: 'CreationTime' })}`),
  /** `ticketId` goes as Elevate's extra TicketId parameter beside MIM's (docs/approvals.md, required context). */
  create: (roleId: string, ttlSeconds: number, justification: string, requestedTime: string | null, ticketId: string | null = null) =>
    call<PamRequest>('POST', `${PAM}/pamrequests`, {
      RoleId: roleId,
      RequestedTTL: String(ttlSeconds),
      Justification: justification,
      ...(requestedTime ? { RequestedTime: requestedTime } : {}),
      ...(ticketId ? { TicketId: ticketId } : {}),
    }),
  deactivate: (roleId: string) => call<PamRequest>('POST', `${PAM}/pamrequests`, { RoleId: roleId, RequestedTTL: '0' }),
  close: (requestId: string) => call('POST', `${PAM}/pamrequests(guid'${requestId}')/Close`),
  verifyMfa: (requestId: string, code: string) => call<PamRequest>('POST', `${PAM}/pamrequests(guid'${requestId}')/VerifyMFA`, { Code: code }),
  requestPasskeyOptions: (requestId: string) => call<PublicKeyCredentialRequestOptionsJSON>('POST', `${PAM}/pamrequests(guid'${requestId}')/PasskeyOptions`),
  verifyPasskey: (requestId: string, passkey: PublicKeyCredentialJSON) =>
    call<PamRequest>('POST', `${PAM}/pamrequests(guid'${requestId}')/VerifyPasskey`, { Passkey: passkey }),
  /** `stepUp` carries the approver's own MFA when the role asks for it (docs/mfa-api.md, approver step-up). */
  decide: (approvalId: string, action: 'Approve' | 'Reject', comment: string, stepUp: { Code: string } | { Passkey: PublicKeyCredentialJSON } | null = null) =>
    call('POST', `${PAM}/pamrequeststoapprove(guid'${approvalId}')/${action}`, { Comment: comment, ...stepUp }),
  approvalPasskeyOptions: (approvalId: string) => call<PublicKeyCredentialRequestOptionsJSON>('POST', `${PAM}/pamrequeststoapprove(guid'${approvalId}')/PasskeyOptions`),
};

export type FactorChange = { change: 'totp' } | { change: 'add-passkey' } | { change: 'remove-passkey'; passkeyId: string };
export type ChangeProof = { Code?: string; Passkey?: PublicKeyCredentialJSON; EnrolmentCode?: string };

/** A break-glass use (docs/approvals.md); `review` is null until one of the role's approvers reviews it. */
export interface BreakGlassUse {
  requestId: string;
  roleId: string;
  roleName: string;
  requester: { login: string; displayName: string };
  status: RequestStatus;
  createdAt: number;
  startedAt: number | null;
  expiresAt: number | null;
  justification: string | null;
  ticketId: string | null;
  review?: { reviewer: string; reviewedAt: number; comment: string; factor: string | null } | null;
}

export const me = {
  breakGlassToReview: () => list<BreakGlassUse>('/api/me/break-glass'),
  /** `code`: the reviewer's step-up, when the role asks approvers for MFA. */
  reviewBreakGlass: (requestId: string, comment: string, code: string | null) =>
    call('POST', `/api/me/break-glass/${encodeURIComponent(requestId)}/review`, { comment, ...(code ? { code } : {}) }),
  approvalPath: (roleId: string) => call<ApprovalPath>('GET', `/api/me/roles/${encodeURIComponent(roleId)}/approval-path`),
  approvalProgress: (requestId: string) => call<ApprovalProgress>('GET', `/api/me/requests/${encodeURIComponent(requestId)}/approval`),
  /** Empty from a server without the extension: the history then simply shows no reasons. */
  endings: async (ids: readonly string[]): Promise<Ending[]> => {
    if (ids.length === 0) return [];
    try {
      return await list<Ending>(`/api/me/endings?${new URLSearchParams({ ids: ids.slice(0, 200).join(',') }).toString()}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }
  },
};

/** GET /api/me/notifications: which notifications reach the signed-in person, and the last emails to them. */
export interface MyNotifications {
  email: { enabled: boolean; address: string | null; source: 'account' | 'directory' | 'directory-unavailable' | null };
  events: { event: string; as: 'requester' | 'approver'; channels: string[] }[];
  sharedChannels: string[];
  deliveries: { event: string; requestId: string; role: string | null; status: 'delivered' | 'waiting' | 'failing'; at: string; attempts: number }[];
}

export function myNotifications(): Promise<MyNotifications> {
  return call<MyNotifications>('GET', '/api/me/notifications');
}

export const mfa = {
  /** null when this server has no factor listing (and so no passkeys): the portal then offers codes only. */
  factors: async (): Promise<Factors | null> => {
    try {
      return await call<Factors>('GET', '/api/mfa');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
      throw e;
    }
  },
  // Every change of factors carries a proof: a factor the person has, or for a first one an enrolment code.
  enrolTotp: (proof: ChangeProof) => call<TotpEnrolment>('POST', '/api/mfa/totp', proof),
  confirmTotp: (code: string) => call('POST', '/api/mfa/totp/confirm', { Code: code }),
  /** Passkey options bound to one change, to prove it with a passkey the person has. */
  changeOptions: (change: FactorChange) => call<PublicKeyCredentialRequestOptionsJSON>('POST', '/api/mfa/change-options', change),
  passkeyOptions: (proof: ChangeProof) => call<PublicKeyCredentialCreationOptionsJSON>('POST', '/api/mfa/passkeys/options', proof),
  addPasskey: (name: string, response: PublicKeyCredentialJSON) => call<Passkey>('POST', '/api/mfa/passkeys', { name, response }),
  removePasskey: (id: string, proof: ChangeProof) => call('DELETE', `/api/mfa/passkeys/${encodeURIComponent(id)}`, proof),
};

// Administration --------------------------------------------------------------------------------

/** Whether a lock is in force now; a lapsed lock no longer refuses anything. */
export const isLocked = (u: User): boolean => !!u.lock && (u.lock.until === null || u.lock.until > Date.now());
export interface RoleEdit {
  name: string;
  description: string | null;
  ttlSeconds: number;
  mfaRequired: boolean;
  approvalRequired: boolean;
  approverMfaRequired?: boolean;
  window: { from: string; to: string; timeZone: string | null } | null;
  groups: string[];
  candidates: string[];
  /** Groups whose members may request the role (never one it grants). */
  candidateGroups: string[];
  /** The one-approver shorthand; left as it is when the editor sends stages or none. */
  approvers?: string[];
  approval: { stages: ApprovalStage[] } | null;
  justificationRequired: boolean;
  justificationMinLength: number;
  ticketPattern: string | null;
  /** null removes the rules (a role without approval may have none). */
  autoApprove?: AutoApproveRule[] | null;
}
const enc = encodeURIComponent;

/** One page of an admin listing (see docs/admin-console.md). */
export interface Paged<T> {
  value: T[];
  total: number;
  skip: number;
  nextSkip: number | null;
}
export interface PageAsk {
  search: string;
  skip: number;
  top: number;
}
const paged = <T>(url: string, p: PageAsk) =>
  call<Paged<T>>('GET', `${url}?${new URLSearchParams({ search: p.search, skip: String(p.skip), top: String(p.top) }).toString()}`);

export interface AdminRequest {
  requestId: string;
  roleName: string;
  login: string;
  displayName: string;
  status: RequestStatus;
  justification: string | null;
  createdAt: number;
  startedAt: number | null;
  expiresAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  endNote: string | null;
  /** The auto-approval rule that approved it; absent from servers without rules. */
  autoApprovedBy?: string | null;
}
export interface Timeline {
  request: AdminRequest;
  events: AuditEntry[];
}
export interface Dashboard {
  activeNow: number;
  pendingApprovals: number;
  pendingMfa: number;
  outboxGrants: number;
  outboxRevokes: number;
  outboxFailing: number;
  notificationsWaiting: number;
  revocationLatenessMs: number;
}

export const admin = {
  users: () => list<User>('/api/admin/users'),
  /** Users whose login, name or email contains `text` (the pickers ask as someone types). */
  searchUsers: (text: string) => list<User>(`/api/admin/users?${new URLSearchParams({ search: text }).toString()}`),
  searchGroups: (text: string) => list<Group>(`/api/admin/groups?${new URLSearchParams({ search: text }).toString()}`),
  createUser: (u: { login: string; displayName: string; email: string | null; password: string; isAdmin: boolean }) => call<User>('POST', '/api/admin/users', u),
  updateUser: (login: string, patch: Partial<Pick<User, 'isAdmin' | 'disabled' | 'displayName'>>) => call<User>('PATCH', `/api/admin/users/${enc(login)}`, patch),
  resetMfa: (login: string) => call('DELETE', `/api/admin/users/${enc(login)}/mfa`),
  enrolmentCode: (login: string) => call<EnrolmentCode>('POST', `/api/admin/users/${enc(login)}/mfa/enrolment-code`),
  liftMfaLockout: (login: string) => call('DELETE', `/api/admin/users/${enc(login)}/mfa/lockout`),
  groups: () => list<Group>('/api/admin/groups'),
  createGroup: (g: { name: string; description: string | null }) => call<Group>('POST', '/api/admin/groups', g),
  members: (name: string) => list<GroupMember>(`/api/admin/groups/${enc(name)}/members`),
  /** Who is in the group, and whether it is granted (by which roles) or standing. */
  groupMembers: (name: string) => call<GroupMembers>('GET', `/api/admin/groups/${enc(name)}/members`),
  /** Replaces the standing members of an embedded group no role grants. */
  setGroupMembers: (name: string, members: string[]) => call<GroupMembersChange>('PUT', `/api/admin/groups/${enc(name)}/members`, { members }),
  roles: () => list<AdminRole>('/api/admin/roles'),
  createRole: (r: RoleEdit) => call<AdminRole>('POST', '/api/admin/roles', r),
  updateRole: (name: string, r: Omit<RoleEdit, 'name'>) => call<AdminRole>('PATCH', `/api/admin/roles/${enc(name)}`, r),
  holdings: () => list<Holding>('/api/admin/holdings'),
  revoke: (requestId: string, reason: string) => call<Holding>('POST', `/api/admin/requests/${enc(requestId)}/revoke`, { reason }),
  lock: (login: string, reason: string, until: string | null) => call('POST', `/api/admin/users/${enc(login)}/lock`, { reason, until }),
  unlock: (login: string) => call<User>('POST', `/api/admin/users/${enc(login)}/unlock`),
  usersPage: (p: PageAsk) => paged<User>('/api/admin/users', p),
  groupsPage: (p: PageAsk) => paged<Group>('/api/admin/groups', p),
  rolesPage: (p: PageAsk) => paged<AdminRole>('/api/admin/roles', p),
  holdingsPage: (p: PageAsk) => paged<Holding>('/api/admin/holdings', p),
  timeline: (requestId: string) => call<Timeline>('GET', `/api/admin/requests/${enc(requestId)}/timeline`),
  dashboard: () => call<Dashboard>('GET', '/api/admin/dashboard'),
  /** Every break-glass use, reviewed or not, newest first (the banner and its page). */
  breakGlassUses: () => list<BreakGlassUse>('/api/admin/break-glass?all=true'),
  auditPage: (q: Record<string, string>) => call<{ value: AuditEntry[]; nextBefore: number | null }>('GET', `/api/admin/audit?${new URLSearchParams(q).toString()}`),
  audit: (q: Record<string, string>) => list<AuditEntry>(`/api/admin/audit?${new URLSearchParams(q).toString()}`),
};
