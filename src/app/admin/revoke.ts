import { DomainError } from '../../domain/errors.js';
import { auditRequest } from '../audit/audit-trail.js';
import type { Caller, Deps } from '../deps.js';
import { endOpenRequests, endRequest, isOpen } from '../end-access.js';
import { inLifecycle } from '../lifecycle.js';
import { type AdminRequestView, viewRequest } from './request-view.js';
import { requireAdmin } from './require-admin.js';
import { roleByName } from './roles.js';
import { accountByLogin } from './users.js';

const MAX_REASON = 1000;

/** An administrator's reason is required: the requester and the audit trail both read it. */
export function requireReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text === '') throw new DomainError('BadRequest', 'Give a reason: the person and the audit trail are told why their access ended.');
  if (text.length > MAX_REASON) throw new DomainError('BadRequest', `A reason may have at most ${MAX_REASON} characters.`);
  return text;
}

/**
 * Ends one request at once, whatever it is waiting for: an elevation (its groups are removed as at
 * an expiry), a pending request (its approval disappears from the approvers' lists) or a scheduled
 * one (it never starts). One already ended or ending is a conflict: nothing is left to take away.
 */
export async function revokeRequest(deps: Deps, caller: Caller, requestId: string, reason: string): Promise<AdminRequestView> {
  requireAdmin(caller);
  const note = requireReason(reason);
  return inLifecycle(deps, async (lc, tx) => {
    const now = lc.now;
    const found = await tx.requests.byId(requestId);
    if (!found) throw new DomainError('RequestNotFound', `There is no request with id ${requestId}.`);
    await tx.accounts.lockForChange(found.creatorId);
    const r = (await tx.requests.byId(requestId))!;
    if (!isOpen(r)) {
      throw new DomainError('Conflict', `Request ${requestId} is ${r.status}${r.endReason ? ` (${r.endReason})` : ''}; there is nothing left to revoke.`, { status: r.status });
    }
    const ended = await endRequest(lc, r, { reason: 'revoked', note }, caller.accountId);
    await auditRequest(tx, r.id, { at: now, actorId: caller.accountId, action: 'request.revoked', before: { status: r.status }, after: { status: ended.status, reason: note } });
    return viewRequest(tx, ended);
  });
}

export interface RevokeAllScope {
  /** A role's name: end everything this role granted or is about to grant. */
  readonly role?: string | undefined;
  /** A login: end everything this person holds or waits for. */
  readonly user?: string | undefined;
}

/**
 * Break-glass: ends every open request of a role, of a person, or of that person for that role, in
 * one transaction and one audited action; each request records the reason as a single revoke does.
 */
export async function revokeAll(deps: Deps, caller: Caller, scope: RevokeAllScope, reason: string): Promise<AdminRequestView[]> {
  requireAdmin(caller);
  const note = requireReason(reason);
  if (scope.role === undefined && scope.user === undefined) throw new DomainError('BadRequest', 'Name a role, a user or both: revoking everything at once needs a scope.');
  return inLifecycle(deps, async (lc, tx) => {
    const now = lc.now;
    const role = scope.role === undefined ? undefined : await roleByName(tx, scope.role);
    const account = scope.user === undefined ? undefined : await accountByLogin(tx, scope.user);
    const ended = await endOpenRequests(
      lc,
      { ...(role && { roleId: role.id }), ...(account && { creatorId: account.id }) },
      { reason: 'revoked', note },
      caller.accountId,
    );
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'request.revoked-all',
      targetType: account ? 'account' : 'role',
      targetId: account?.id ?? role!.id,
      requestId: null,
      before: null,
      after: { role: role?.name ?? null, user: account?.login ?? null, reason: note, requests: ended.map((r) => r.id) },
    });
    return Promise.all(ended.map((r) => viewRequest(tx, r)));
  });
}

/**
 * What a revoke would end, read without changing anything (the CLI shows it before asking): the one
 * request when it is still open, or every open request in the scope of a revoke --all.
 */
export async function revokePreview(deps: Deps, caller: Caller, what: { readonly requestId: string } | RevokeAllScope): Promise<AdminRequestView[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    if ('requestId' in what) {
      const r = await tx.requests.byId(what.requestId);
      if (!r) throw new DomainError('RequestNotFound', `There is no request with id ${what.requestId}.`);
      return isOpen(r) ? [await viewRequest(tx, r)] : [];
    }
    const role = what.role === undefined ? undefined : await roleByName(tx, what.role);
    const account = what.user === undefined ? undefined : await accountByLogin(tx, what.user);
    const open = await tx.requests.listOpen({ ...(role && { roleId: role.id }), ...(account && { creatorId: account.id }) });
    return Promise.all(open.filter(isOpen).map((r) => viewRequest(tx, r)));
  });
}
