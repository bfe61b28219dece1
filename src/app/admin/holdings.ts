import { HOLDING, type RequestStatus } from '../../domain/request/request.js';
import type { Instant } from '../../domain/time.js';
import type { Caller, Deps } from '../deps.js';
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
 * Who holds which role right now: every Processing or Active elevation, by role then login.
 * Processing ones are included because their grants may already be in the directory.
 */
export async function listHoldings(deps: Deps, caller: Caller): Promise<Holding[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const out: Holding[] = [];
    for (const role of await tx.roles.list()) {
      for (const accountId of new Set(await tx.requests.holdersOf(role.id))) {
        const account = await tx.accounts.byId(accountId);
        for (const r of await tx.requests.findByCreatorRole(accountId, role.id, HOLDING)) {
          out.push({
            roleId: role.id,
            roleName: role.name,
            accountId,
            login: account?.login ?? accountId,
            displayName: account?.displayName ?? accountId,
            requestId: r.id,
            status: r.status,
            startedAt: r.startedAt,
            expiresAt: r.expiresAt,
          });
        }
      }
    }
    return out.sort((a, b) => a.roleName.localeCompare(b.roleName) || a.login.localeCompare(b.login));
  });
}
