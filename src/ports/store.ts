import type { AccountRepo, ChangeCounts } from './store/account-repo.js';
import type { ApiTokenRepo } from './store/api-token-repo.js';
import type { ApprovalRepo } from './store/approval-repo.js';
import type { AuditCheckpointRepo } from './store/audit-checkpoint-repo.js';
import type { AuditExportRepo } from './store/audit-export-repo.js';
import type { AuditRepo } from './store/audit-repo.js';
import type { BacklogRepo } from './store/backlog-repo.js';
import type { BreakGlassRepo } from './store/break-glass-repo.js';
import type { GroupRepo } from './store/group-repo.js';
import type { MfaRepo } from './store/mfa-repo.js';
import type { NotificationRepo } from './store/notification-repo.js';
import type { OutboxRepo } from './store/outbox-repo.js';
import type { RequestRepo } from './store/request-repo.js';
import type { RoleRepo } from './store/role-repo.js';
import type { SessionRepo } from './store/session-repo.js';
import type { SettingsRepo } from './store/settings-repo.js';

// One file per repository under store/; this file keeps the transaction boundary and the one
// import path everything else uses.
export type { AccountRepo, ChangeCounts } from './store/account-repo.js';
export type { NamePageQuery, RowsPage } from './store/name-page.js';
export type { ApiTokenRepo } from './store/api-token-repo.js';
export type { ApprovalRepo, ApprovalView, DecisionView } from './store/approval-repo.js';
export type { AuditCheckpointRepo } from './store/audit-checkpoint-repo.js';
export type { AuditExportCursor, AuditExportRepo } from './store/audit-export-repo.js';
export type { AuditQuery, AuditRepo } from './store/audit-repo.js';
export type { Backlog, BacklogRepo } from './store/backlog-repo.js';
export type { BreakGlassCounts, BreakGlassRepo } from './store/break-glass-repo.js';
export type { GroupAccount, GroupRepo } from './store/group-repo.js';
export type { ChallengePurpose, EnrolmentCode, MfaChallenge, MfaRepo, Passkey, TotpFactor } from './store/mfa-repo.js';
export type { Notification, NotificationBacklog, NotificationDelivery, NotificationDetail, NotificationRepo } from './store/notification-repo.js';
export type { OutboxJob, OutboxRepo } from './store/outbox-repo.js';
export type { RetryState } from './store/retry-state.js';
export type { HoldingRow, RequestRepo, RequestWrite } from './store/request-repo.js';
export type { RoleRepo, RoleWithGroups } from './store/role-repo.js';
export type { Session, SessionRepo } from './store/session-repo.js';
export type { SettingsRepo } from './store/settings-repo.js';

/**
 * Persistence. Every use case runs inside `transaction`, so a state change, its effects and its
 * audit records commit together or not at all, and are durable when the promise resolves.
 */
export interface Store {
  /**
   * Runs `fn` in one transaction whose writes are serialisable per row (a request's version check,
   * row locks); rolls back when it throws. A store may run `fn` again after a transient conflict,
   * so `fn` must do nothing but store calls.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one consistent snapshot without taking the write lock. `fn` must only read:
   * listing and sign-in are most calls, and need not queue behind writers.
   */
  read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * `read` for an `fn` that issues exactly ONE statement: it runs outside a transaction, since one
   * statement reads one consistent snapshot by itself, and saves the BEGIN and COMMIT (two of the
   * three round trips of a read on PostgreSQL). Two statements here could see two snapshots.
   */
  readOne<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * What `tx.accounts.changeCounts()` reads now. A store that can tell no transaction committed
   * since its last reading (in any process) answers from memory: most calls ask it only to learn
   * that nothing changed.
   */
  changeCounts(): Promise<ChangeCounts>;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Applies pending schema migrations (idempotent) and returns the names it applied; refuses a newer schema. */
  migrate(): Promise<readonly string[]>;
  /** Where the schema stands, without changing it (`elevate db status`, and telling an empty store). */
  schema(): Promise<SchemaState>;
  /** Whether every known migration has been applied (for /readyz). */
  isMigrated(): Promise<boolean>;
  /** Closes the connections; nothing may use the store afterwards. */
  close(): Promise<void>;
}

/** Where a store's schema stands against the migrations this build knows. */
export interface SchemaState {
  /** Migrations recorded in the store, in name order; none in a database Elevate never used. */
  readonly applied: readonly string[];
  /** Known here and not yet applied. */
  readonly pending: readonly string[];
  /** Applied in the store but unknown here: a newer Elevate wrote it. */
  readonly unknown: readonly string[];
}

/** The repositories, all bound to one transaction. */
export interface StoreTx {
  readonly accounts: AccountRepo;
  readonly groups: GroupRepo;
  readonly roles: RoleRepo;
  readonly requests: RequestRepo;
  readonly approvals: ApprovalRepo;
  readonly breakGlass: BreakGlassRepo;
  readonly audit: AuditRepo;
  readonly auditCheckpoints: AuditCheckpointRepo;
  readonly auditExport: AuditExportRepo;
  readonly sessions: SessionRepo;
  readonly settings: SettingsRepo;
  readonly mfa: MfaRepo;
  readonly outbox: OutboxRepo;
  readonly notifications: NotificationRepo;
  readonly backlog: BacklogRepo;
  readonly apiTokens: ApiTokenRepo;
}
