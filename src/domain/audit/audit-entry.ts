import type { Instant } from '../time.js';
import type { AuditAction } from './actions.js';

/** One durable record of a state change or an administrative action. */
export interface AuditEntry {
  readonly at: Instant;
  /** Account id of whoever caused it; null for the system (the scheduler). */
  readonly actorId: string | null;
  /** What happened, from the closed list in actions.ts (`request.created`, `role.updated` ...). */
  readonly action: AuditAction;
  readonly targetType: 'request' | 'approval' | 'role' | 'group' | 'account' | 'membership' | 'session';
  readonly targetId: string;
  readonly requestId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * An entry as stored. Its action is a string: records written before the names were settled keep
 * their old spelling (`request.Close`), because the hash chain covers them (see LEGACY_AUDIT_ACTIONS).
 */
export interface StoredAuditEntry extends Omit<AuditEntry, 'action'> {
  readonly action: string;
  readonly seq: number;
  /** Hash of this entry chained to the previous one: editing or deleting a past row breaks the chain. */
  readonly hash: string;
}
