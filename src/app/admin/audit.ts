import { storedNamesOf } from '../../domain/audit/actions.js';
import type { AuditQuery } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { nameAuditEntries, type NamedAuditEntry } from './audit-names.js';
import { requireAdmin } from './require-admin.js';

/** The audit trail as an administrator filters it: by one action name, today's or an older spelling. */
export type AuditFilter = Omit<AuditQuery, 'actions'>;

/**
 * The newest `limit` entries, oldest first, with names beside the ids. An action is matched under
 * every name it was stored as: records written before the names were settled (`request.Close`) keep
 * them, since the hash chain covers them, and are found by today's name (`request.closed`) as by their own.
 */
export async function readAudit(deps: Deps, caller: Caller, filter: AuditFilter): Promise<NamedAuditEntry[]> {
  requireAdmin(caller);
  const { action, ...rest } = filter;
  const q: AuditQuery = action === undefined ? rest : { ...rest, actions: storedNamesOf(action) };
  return deps.store.transaction(async (tx) => nameAuditEntries(tx, await tx.audit.list(q)));
}
