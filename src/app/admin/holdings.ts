import type { RequestStatus } from '../../domain/request/request.js';
import type { Instant } from '../../domain/time.js';
import type { Caller, Deps } from '../deps.js';
import { type Page, type PageRequest, pageFrom } from './paging.js';
import { requireAdmin } from './require-admin.js';

/** One person holding one role right now, through one elevation. */
export interface Holding {
  readonly roleId: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly login: string;
  readonly displayName: string;
  readonly requestId: string;
  readonly status: RequestStatus;
  readonly startedAt: Instant | null;
  readonly expiresAt: Instant | null;
}

/**
 * Who holds which role right now: one page of the Processing or Active elevations whose role name,
 * login or display name contains `search` (any case), by role then login. Processing ones are
 * included because their grants may already be in the directory. One joined query and a COUNT,
 * however many hold access.
 */
export async function listHoldings(deps: Deps, caller: Caller, search: string | null, page: PageRequest): Promise<Page<Holding>> {
  requireAdmin(caller);
  const { rows, total } = await deps.store.read((tx) => tx.requests.holdingsPage({ search, ...page }));
  return pageFrom(rows.map(({ login, displayName, ...r }) => ({ ...r, login: login ?? r.accountId, displayName: displayName ?? r.accountId })), total, page);
}
