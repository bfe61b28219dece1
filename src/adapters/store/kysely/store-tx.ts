import type { Kysely } from 'kysely';
import type { StoreTx } from '../../../ports/store.js';
import { KyselyAccountRepo } from './account-repo.js';
import { KyselyApiTokenRepo } from './api-token-repo.js';
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
import type { SqlTraits } from './sql-traits.js';
import { KyselySessionRepo, KyselySettingsRepo } from './session-repo.js';

export interface StoreOptions {
  /** Qualifies account names as MIM did (`PRIV.jen`); see ApprovalRepo. */
  readonly accountDomain: string;
}

/**
 * The repositories over one connection that is inside a transaction. Only this file builds them;
 * they import nothing of it (their traits come from sql-traits.ts), so no two files import each other.
 */
function repositories(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits) {
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
    apiTokens: new KyselyApiTokenRepo(db),
  };
}

/**
 * Runs `fn` over the repositories of a write transaction, then writes what they held back (the audit
 * entries) before the caller commits.
 */
export async function inWriteTx<T>(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  const tx = repositories(db, opts, traits);
  const out = await fn(tx);
  await tx.audit.flush();
  return out;
}

/** Runs `fn` over the repositories of a read-only transaction; recording an audit entry there is a bug. */
export async function inReadTx<T>(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  const tx = repositories(db, opts, traits);
  const out = await fn(tx);
  if (tx.audit.hasPending) throw new Error('An audit entry was recorded in a read-only transaction; it would be lost.');
  return out;
}
