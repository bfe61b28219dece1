import { DomainError } from '../../domain/errors.js';
import type { Caller, Deps } from '../deps.js';
import { nameAuditEntries, type NamedAuditEntry } from './audit-names.js';
import { requireAdmin } from './require-admin.js';
import { viewRequest, type AdminRequestView } from './request-view.js';

/** Most events one request's timeline shows; a request has a handful, a long-lived one a few dozen. */
const MAX_EVENTS = 1000;

/** A request and everything that happened to it, oldest first: created, votes, MFA, grants, warnings, its end. */
export interface RequestTimeline {
  readonly request: AdminRequestView;
  readonly events: NamedAuditEntry[];
}

/**
 * Built from the audit trail (every state change of the request and its approval is recorded there
 * with the request's id, in the same transaction as the change) and the request itself, for why it ended.
 */
export async function requestTimeline(deps: Deps, caller: Caller, requestId: string): Promise<RequestTimeline> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const r = await tx.requests.byId(requestId);
    if (r === undefined) throw new DomainError('NotFound', `There is no request with id ${requestId}.`);
    const entries = (await tx.audit.list({ requestId, limit: MAX_EVENTS })).sort((a, b) => a.seq - b.seq);
    return { request: await viewRequest(tx, r), events: await nameAuditEntries(tx, entries) };
  });
}
