import type { Instant } from '../time.js';

/** One durable record of a state change or an administrative action. */
export interface AuditEntry {
  readonly at: Instant;
  /** Account id of whoever caused it; null for the system (the scheduler). */
  readonly actorId: string | null;
  /** A dotted verb, e.g. `request.created`, `request.transition`, `role.updated`. */
  readonly action: string;
  readonly targetType: 'request' | 'approval' | 'role' | 'group' | 'account' | 'membership' | 'session';
  readonly targetId: string;
  readonly requestId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

export interface StoredAuditEntry extends AuditEntry {
  readonly seq: number;
  /** Hash of this entry chained to the previous one: editing or deleting a past row breaks the chain. */
  readonly hash: string;
}
