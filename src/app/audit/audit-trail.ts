import type { AuditAction } from '../../domain/audit/actions.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';

/** What every record about a request or its approval says besides its target. */
interface Happened {
  readonly at: Instant;
  /** Who caused it; null for the system (the scheduler, a directory's confirmation). */
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly before: unknown;
  readonly after: unknown;
}

/** Records something that happened to a request. */
export function auditRequest(tx: StoreTx, requestId: string, e: Happened): Promise<unknown> {
  return tx.audit.append({ ...e, targetType: 'request', targetId: requestId, requestId });
}

/** Records something that happened to a request's approval. */
export function auditApproval(tx: StoreTx, approvalId: string, requestId: string, e: Happened): Promise<unknown> {
  return tx.audit.append({ ...e, targetType: 'approval', targetId: approvalId, requestId });
}
