import type { StoredAuditEntry } from '../../domain/audit/audit-entry.js';
import type { AuditQuery } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdmin } from './require-admin.js';

export async function readAudit(deps: Deps, caller: Caller, q: AuditQuery): Promise<StoredAuditEntry[]> {
  requireAdmin(caller);
  return deps.store.transaction((tx) => tx.audit.list(q));
}
