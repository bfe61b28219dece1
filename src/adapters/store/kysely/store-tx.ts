import type { Kysely } from 'kysely';
import type { StoreTx } from '../../../ports/store.js';
import { KyselyAccountRepo } from './account-repo.js';
import { KyselyApprovalRepo } from './approval-repo.js';
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

/** The repositories over one connection that is inside a transaction. */
export function storeTx(db: Kysely<Database>, opts: StoreOptions): StoreTx {
  return {
    accounts: new KyselyAccountRepo(db),
    groups: new KyselyGroupRepo(db),
    roles: new KyselyRoleRepo(db),
    requests: new KyselyRequestRepo(db),
    approvals: new KyselyApprovalRepo(db, opts.accountDomain),
    audit: new KyselyAuditRepo(db),
    sessions: new KyselySessionRepo(db),
    settings: new KyselySettingsRepo(db),
    mfa: new KyselyMfaRepo(db),
    outbox: new KyselyOutboxRepo(db),
    backlog: new KyselyBacklogRepo(db),
  };
}
