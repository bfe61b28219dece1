import type { Kysely } from 'kysely';
import type { StoreTx } from '../../../ports/store.js';
import { KyselyAccountRepo } from './account-repo.js';
import { KyselyApprovalRepo } from './approval-repo.js';
import { KyselyAuditCheckpointRepo } from './audit-checkpoint-repo.js';
import { KyselyAuditRepo } from './audit-repo.js';
import { KyselyBacklogRepo } from './backlog-repo.js';
import { KyselyGroupRepo } from './group-repo.js';
import { KyselyMfaRepo } from './mfa-repo.js';
import { KyselyOutboxRepo } from './outbox-repo.js';
import { KyselyRequestRepo } from './request-repo.js';
import { KyselyRoleRepo } from './role-repo.js';
import type { Database } from './schema.js';
import { KyselySessionRepo, KyselySettingsRepo } from './session-repo.js';

export interface StoreOptions {
  /** Qualifies account names as MIM did (`PRIV.jen`); see ApprovalRepo. */
  readonly accountDomain: string;
}

/**
 * What differs between the SQL stores, as named capabilities rather than dialect checks scattered
 * through the repositories. Mostly concurrency: PostgreSQL lets several writers in at once, while
 * SQLite has a single writer (BEGIN IMMEDIATE already serialises every write transaction).
 */
export interface SqlTraits {
  /** Whether text may contain U+0000 (PostgreSQL refuses it in text, so no stored value has one). */
  readonly textHoldsNul: boolean;
  /**
   * Several nodes may share this store: claim queue rows with FOR UPDATE SKIP LOCKED, and honour
   * the outbox leases of other nodes. Where one node owns the store (SQLite), a lease found at start
   * can only be its own previous life's, so it is ignored and the job re-run at once.
   */
  readonly sharedByNodes: boolean;
  /** Held until commit: audit appends of concurrent transactions form one chain, never a fork. */
  lockAuditChain(db: Kysely<Database>): Promise<void>;
}

export const SQLITE_TRAITS: SqlTraits = Object.freeze({
  textHoldsNul: true,
  sharedByNodes: false,
  lockAuditChain: async () => {},
});

/** The repositories over one connection that is inside a transaction. */
export function storeTx(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits = SQLITE_TRAITS): StoreTx {
  return {
    accounts: new KyselyAccountRepo(db, traits),
    groups: new KyselyGroupRepo(db),
    roles: new KyselyRoleRepo(db, traits),
    requests: new KyselyRequestRepo(db, traits),
    approvals: new KyselyApprovalRepo(db, opts.accountDomain, traits),
    audit: new KyselyAuditRepo(db, traits),
    auditCheckpoints: new KyselyAuditCheckpointRepo(db),
    sessions: new KyselySessionRepo(db),
    settings: new KyselySettingsRepo(db),
    mfa: new KyselyMfaRepo(db),
    outbox: new KyselyOutboxRepo(db, traits),
    backlog: new KyselyBacklogRepo(db),
  };
}
