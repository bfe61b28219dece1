import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { StoreTx } from '../../../ports/store.js';
import { KyselyAccountRepo } from './account-repo.js';
import { KyselyApiTokenRepo } from './api-token-repo.js';
import { KyselyApprovalRepo } from './approval-repo.js';
import { KyselyAuditCheckpointRepo } from './audit-checkpoint-repo.js';
import { KyselyAuditExportRepo } from './audit-export-repo.js';
import { KyselyAuditRepo } from './audit-repo.js';
import { KyselyBacklogRepo } from './backlog-repo.js';
import { KyselyBreakGlassRepo } from './break-glass-repo.js';
import { KyselyGroupRepo } from './group-repo.js';
import { KyselyMfaRepo } from './mfa-repo.js';
import { KyselyNotificationRepo } from './notification-repo.js';
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
 * The repositories over one connection that is inside a transaction, each built on first use (a
 * listing uses one of twelve). Only this file builds them; they import nothing of it (their traits
 * come from sql-traits.ts), so no two files import each other.
 */
class Repositories implements StoreTx {
  #accounts?: KyselyAccountRepo;
  #groups?: KyselyGroupRepo;
  #roles?: KyselyRoleRepo;
  #requests?: KyselyRequestRepo;
  #approvals?: KyselyApprovalRepo;
  #breakGlass?: KyselyBreakGlassRepo;
  #audit?: KyselyAuditRepo;
  #auditCheckpoints?: KyselyAuditCheckpointRepo;
  #auditExport?: KyselyAuditExportRepo;
  #sessions?: KyselySessionRepo;
  #settings?: KyselySettingsRepo;
  #mfa?: KyselyMfaRepo;
  #outbox?: KyselyOutboxRepo;
  #notifications?: KyselyNotificationRepo;
  #backlog?: KyselyBacklogRepo;
  #apiTokens?: KyselyApiTokenRepo;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: StoreOptions,
    private readonly traits: SqlTraits,
  ) {}

  get accounts() { return (this.#accounts ??= new KyselyAccountRepo(this.db, this.traits)); }
  get groups() { return (this.#groups ??= new KyselyGroupRepo(this.db, this.traits)); }
  get roles() { return (this.#roles ??= new KyselyRoleRepo(this.db, this.traits)); }
  get requests() { return (this.#requests ??= new KyselyRequestRepo(this.db, this.traits)); }
  get approvals() { return (this.#approvals ??= new KyselyApprovalRepo(this.db, this.opts.accountDomain, this.traits)); }
  get breakGlass() { return (this.#breakGlass ??= new KyselyBreakGlassRepo(this.db)); }
  get audit() { return (this.#audit ??= new KyselyAuditRepo(this.db, this.traits)); }
  get auditCheckpoints() { return (this.#auditCheckpoints ??= new KyselyAuditCheckpointRepo(this.db)); }
  get auditExport() { return (this.#auditExport ??= new KyselyAuditExportRepo(this.db)); }
  get sessions() { return (this.#sessions ??= new KyselySessionRepo(this.db)); }
  get settings() { return (this.#settings ??= new KyselySettingsRepo(this.db)); }
  get mfa() { return (this.#mfa ??= new KyselyMfaRepo(this.db)); }
  get outbox() { return (this.#outbox ??= new KyselyOutboxRepo(this.db, this.traits)); }
  get notifications() { return (this.#notifications ??= new KyselyNotificationRepo(this.db, this.traits)); }
  get backlog() { return (this.#backlog ??= new KyselyBacklogRepo(this.db)); }
  get apiTokens() { return (this.#apiTokens ??= new KyselyApiTokenRepo(this.db)); }

  /** Whether audit entries wait to be written (without building the audit repository to ask). */
  get auditPending(): boolean {
    return this.#audit?.hasPending ?? false;
  }

  /** Writes the audit entries that wait, if any. */
  async flushAudit(): Promise<void> {
    if (this.#audit) await this.#audit.flush();
  }
}

/**
 * Runs `fn` over the repositories of a write transaction, then writes what they held back (the audit
 * entries) before the caller commits.
 */
export async function inWriteTx<T>(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  const tx = new Repositories(db, opts, traits);
  const out = await fn(tx);
  await tx.flushAudit();
  return out;
}

/** Runs `fn` over the repositories of a read-only transaction; recording an audit entry there is a bug. */
export async function inReadTx<T>(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  const tx = new Repositories(db, opts, traits);
  const out = await fn(tx);
  if (tx.auditPending) throw new Error('An audit entry was recorded in a read-only transaction; it would be lost.');
  return out;
}

/**
 * Runs `fn` over repositories outside any transaction (Store.readOne), refusing a second statement:
 * it would read another snapshot than the first.
 */
export async function inOneStatement<T>(db: Kysely<Database>, opts: StoreOptions, traits: SqlTraits, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  const tx = new Repositories(db.withPlugin(new OneStatement()), opts, traits);
  const out = await fn(tx);
  if (tx.auditPending) throw new Error('An audit entry was recorded in a read; it would be lost.');
  return out;
}

class OneStatement implements KyselyPlugin {
  #ran = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind !== 'SelectQueryNode') throw new Error('Store.readOne only reads.');
    return args.node;
  }
  // Counted as results arrive, so statements compiled once (compiled-once.ts) count too.
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (++this.#ran > 1) throw new Error('Store.readOne ran a second statement; use Store.read for more than one.');
    return args.result;
  }
}
