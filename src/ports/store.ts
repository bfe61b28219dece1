import type { Account } from '../domain/account/account.js';
import type { AuditEntry, StoredAuditEntry } from '../domain/audit/audit-entry.js';
import type { AuditCheckpoint } from '../domain/audit/checkpoint.js';
import type { Group } from '../domain/group/group.js';
import type { MfaAttempts } from '../domain/mfa/attempt-limit.js';
import type { Approval, Vote } from '../domain/request/approval.js';
import type { PamRequest, RequestStatus } from '../domain/request/request.js';
import type { Role, RoleSummary } from '../domain/role/role.js';
import type { Instant } from '../domain/time.js';
import type { ApprovalField, ListQuery, RequestField, RoleField } from './filter.js';

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
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /** Applies pending schema migrations; idempotent. */
  migrate(): Promise<void>;
  /** Whether every known migration has been applied (for /readyz). */
  isMigrated(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreTx {
  readonly accounts: AccountRepo;
  readonly groups: GroupRepo;
  readonly roles: RoleRepo;
  readonly requests: RequestRepo;
  readonly approvals: ApprovalRepo;
  readonly audit: AuditRepo;
  readonly auditCheckpoints: AuditCheckpointRepo;
  readonly sessions: SessionRepo;
  readonly settings: SettingsRepo;
  readonly mfa: MfaRepo;
  readonly outbox: OutboxRepo;
  readonly backlog: BacklogRepo;
}

export interface AccountRepo {
  byId(id: string): Promise<Account | undefined>;
  byLogin(login: string): Promise<Account | undefined>;
  /**
   * Holds the account's row until the transaction ends, so one person's creates and deactivations
   * take turns even on different nodes: each then sees what the one before it committed.
   */
  lockForChange(id: string): Promise<void>;
  list(): Promise<Account[]>;
  insert(a: Account): Promise<void>;
  update(a: Account): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface GroupRepo {
  byId(id: string): Promise<Group | undefined>;
  byName(name: string): Promise<Group | undefined>;
  list(): Promise<Group[]>;
  insert(g: Group): Promise<void>;
  update(g: Group): Promise<void>;
  remove(id: string): Promise<void>;
  /** Account ids in the embedded directory's membership of the group. */
  members(groupId: string): Promise<string[]>;
  /** Adds a member; adding a present member changes nothing (idempotent by contract). */
  addMember(groupId: string, accountId: string): Promise<void>;
  /** Removes a member; removing an absent member changes nothing (idempotent by contract). */
  removeMember(groupId: string, accountId: string): Promise<void>;
}

export interface RoleRepo {
  byId(id: string): Promise<Role | undefined>;
  byName(name: string): Promise<Role | undefined>;
  list(): Promise<Role[]>;
  /** Roles `accountId` is a candidate for, filtered and ordered in the database, without member lists. */
  listForCandidate(accountId: string, q: ListQuery<RoleField>): Promise<RoleSummary[]>;
  /** Ids of roles granting `groupId`. */
  idsGranting(groupId: string): Promise<string[]>;
  insert(r: Role): Promise<void>;
  update(r: Role): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface RequestRepo {
  byId(id: string): Promise<PamRequest | undefined>;
  insert(r: PamRequest): Promise<void>;
  /**
   * Writes `r` if the stored version is `r.version - 1`; otherwise throws a DomainError 'Conflict'.
   * This is the optimistic concurrency check every transition goes through.
   */
  update(r: PamRequest): Promise<void>;
  /** The requester's requests, filtered, ordered and paged in the database. */
  listByCreator(creatorId: string, q: ListQuery<RequestField>): Promise<PamRequest[]>;
  /** Requests of `creatorId` for `roleId` in one of `statuses`. */
  findByCreatorRole(creatorId: string, roleId: string, statuses: readonly RequestStatus[]): Promise<PamRequest[]>;
  /** Creation times of the requester's requests made after `since`, newest first, at most `limit` (for the rate limit). */
  recentCreations(creatorId: string, since: Instant, limit: number): Promise<Instant[]>;
  /** Requests whose time-driven step is due at or before `now`, oldest first. */
  due(now: Instant, limit: number): Promise<PamRequest[]>;
  /**
   * Like `due`, inside a write transaction, for the worker that will handle them: the rows stay
   * held until commit, and rows another node's transaction holds are skipped rather than waited
   * for, so concurrent nodes take disjoint work.
   */
  claimDue(now: Instant, limit: number): Promise<PamRequest[]>;
  /** The earliest instant any request becomes due, to know when to look again. */
  nextDueAt(): Promise<Instant | null>;
  /** Whether any request, in any state, was ever made for `roleId`. */
  existsForRole(roleId: string): Promise<boolean>;
  /** Ids of accounts holding `roleId` through an elevation that is Processing or Active. */
  holdersOf(roleId: string): Promise<string[]>;
  /** Whether `accountId` still holds `groupId` through some Processing or Active elevation. */
  isGroupHeldBy(groupId: string, accountId: string, exceptRequestId: string): Promise<boolean>;
  /**
   * Requests not yet ended nor ending (pending, scheduled, Processing or Active) of one account, of
   * one role, or of both; oldest first. What an administrator's revoke or lock ends.
   */
  listOpen(by: { readonly creatorId?: string; readonly roleId?: string }): Promise<PamRequest[]>;
}

/** A pending approval as an approver sees it. */
export interface ApprovalView {
  readonly approvalId: string;
  readonly requestId: string;
  readonly roleName: string;
  readonly requestorId: string;
  readonly requestorLogin: string;
  readonly justification: string | null;
  readonly requestedTtlSeconds: number;
  readonly requestedAt: Instant;
  readonly createdAt: Instant;
}

export interface ApprovalRepo {
  /** The approval with its votes, in the order they were cast. */
  byId(id: string): Promise<Approval | undefined>;
  /** Stores a new approval (open, no votes yet). */
  insert(a: Approval): Promise<void>;
  /** Stores the approval's status and deciding vote as its fold (or settlement) concluded; not its votes. */
  update(a: Approval): Promise<void>;
  /** Appends vote number `seq` (from 0) of an approval; a vote already in that place is a Conflict. */
  addVote(approvalId: string, seq: number, v: Vote): Promise<void>;
  /** Pending approvals `approverId` may decide (never their own requests), in the database. */
  pendingFor(approverId: string, q: ListQuery<ApprovalField>): Promise<ApprovalView[]>;
}

export interface AuditQuery {
  readonly requestId?: string;
  readonly actorId?: string;
  /** Entries stored under exactly this action name. */
  readonly action?: string;
  /** Entries stored under any of these action names (an action's current name and its older spellings). */
  readonly actions?: readonly string[];
  readonly since?: Instant;
  readonly until?: Instant;
  readonly limit: number;
}

export interface AuditRepo {
  append(e: AuditEntry): Promise<StoredAuditEntry>;
  list(q: AuditQuery): Promise<StoredAuditEntry[]>;
  /** All entries in order, or those after `afterSeq`. */
  all(afterSeq?: number): AsyncIterable<StoredAuditEntry>;
  /**
   * Recomputes the hash chain (from the start, or onward from a trusted entry `from`): how many
   * entries were checked and the first that does not match.
   */
  verifyChain(from?: { seq: number; hash: string }): Promise<{ checked: number; brokenAtSeq: number | null }>;
  /** The newest entry's seq and hash, or undefined when the trail is empty. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /** The stored hash of entry `seq`, or undefined when there is no such entry. */
  hashAt(seq: number): Promise<string | undefined>;
}

/** Signed audit checkpoints kept in the store (their copy outside it is the CheckpointLog). */
export interface AuditCheckpointRepo {
  /** Stores a checkpoint; false when one for the same seq is already there (another node signed it). */
  insert(c: AuditCheckpoint): Promise<boolean>;
  /** The newest stored checkpoint (furthest along the chain), or undefined. */
  latest(): Promise<AuditCheckpoint | undefined>;
}

export interface Session {
  readonly tokenHash: string;
  readonly accountId: string;
  /** SHA-256 of the session's CSRF token (which is derived from the session token, never stored). */
  readonly csrfHash: string;
  readonly createdAt: Instant;
  readonly lastSeenAt: Instant;
}

export interface SessionRepo {
  insert(s: Session): Promise<void>;
  byTokenHash(tokenHash: string): Promise<Session | undefined>;
  touch(tokenHash: string, at: Instant): Promise<void>;
  remove(tokenHash: string): Promise<void>;
  removeForAccount(accountId: string): Promise<void>;
  removeIdleSince(before: Instant, createdBefore: Instant): Promise<void>;
}

/** Small durable key-value settings (e.g. whether demo data was seeded). */
export interface SettingsRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /**
   * Takes the lease named `key` until `until` when nobody holds it at `now` (absent or lapsed), and
   * says whether it was taken. Concurrent callers on any node: at most one gets it.
   */
  takeLease(key: string, now: Instant, until: Instant): Promise<boolean>;
}

export interface TotpFactor {
  readonly accountId: string;
  /** The base32 shared secret sealed by the SecretBox (context `totp:<accountId>`); never plaintext once sealed at start-up. */
  readonly sealedSecret: string;
  /** False until the owner proved possession with a first code. */
  readonly confirmed: boolean;
  /** Highest time step a code was accepted for; codes at or below it are replays. */
  readonly lastStep: number;
  readonly createdAt: Instant;
}

/** A registered WebAuthn credential. The public key is not secret, so it is stored as it is. */
export interface Passkey {
  /** base64url credential id, unique across all accounts. */
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  /** base64url COSE public key. */
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly deviceType: string;
  readonly backedUp: boolean;
  readonly createdAt: Instant;
  readonly lastUsedAt: Instant | null;
}

/**
 * What a stored challenge is for; `subjectId` is the account, request or approval it is bound to, or
 * for 'factor-change' the change it authorises. 'totp-enrol' holds a pending authenticator's sealed
 * secret until its first code confirms it.
 */
export type ChallengePurpose = 'register' | 'request' | 'approval' | 'factor-change' | 'totp-enrol';

/** A one-time code an administrator issued so an account without any factor can enrol its first. */
export interface EnrolmentCode {
  readonly accountId: string;
  /** SHA-256 of the normalised code, hex; the code itself is answered once and never stored. */
  readonly codeHash: string;
  readonly issuedBy: string;
  readonly issuedAt: Instant;
  readonly expiresAt: Instant;
}

export interface MfaChallenge {
  readonly purpose: ChallengePurpose;
  readonly subjectId: string;
  readonly accountId: string;
  readonly challenge: string;
  readonly expiresAt: Instant;
}

export interface MfaRepo {
  totp(accountId: string): Promise<TotpFactor | undefined>;
  /** Every TOTP factor (for sealing plaintext secrets at start-up). */
  allTotp(): Promise<TotpFactor[]>;
  saveTotp(f: TotpFactor): Promise<void>;
  /** Removes the TOTP factor, the passkeys, the pending challenges and the enrolment code of the account. */
  removeAll(accountId: string): Promise<void>;
  /** Wrong codes entered for a request so far. */
  failures(requestId: string): Promise<number>;
  setFailures(requestId: string, n: number): Promise<void>;
  /** Failed step-up attempts of one approver on one approval. */
  stepUpFailures(approvalId: string, accountId: string): Promise<number>;
  setStepUpFailures(approvalId: string, accountId: string, n: number): Promise<void>;

  /** The account's passkeys, oldest first. */
  passkeys(accountId: string): Promise<Passkey[]>;
  passkey(id: string): Promise<Passkey | undefined>;
  insertPasskey(p: Passkey): Promise<void>;
  /** Records a successful assertion: the new signature counter and when. */
  usePasskey(id: string, counter: number, at: Instant): Promise<void>;
  /** Removes one of the account's passkeys; false when it has none with that id. */
  removePasskey(accountId: string, id: string): Promise<boolean>;

  /** Stores a challenge, replacing any earlier one for the same purpose, subject and account. */
  putChallenge(c: MfaChallenge): Promise<void>;
  /** Removes and returns the challenge for purpose, subject and account: each works once. */
  takeChallenge(purpose: ChallengePurpose, subjectId: string, accountId: string): Promise<MfaChallenge | undefined>;
  /** Drops challenges that expired before `now`. */
  purgeChallenges(now: Instant): Promise<void>;

  /** Failed factor attempts of the account across everything; undefined when it has none on record. */
  attempts(accountId: string): Promise<MfaAttempts | undefined>;
  saveAttempts(a: MfaAttempts): Promise<void>;
  /** Every account with failures or a lockout on record (for administrators). */
  allAttempts(): Promise<MfaAttempts[]>;

  /** The account's outstanding enrolment code, if any. */
  enrolmentCode(accountId: string): Promise<EnrolmentCode | undefined>;
  /** Stores a code, replacing any earlier one of the account. */
  saveEnrolmentCode(c: EnrolmentCode): Promise<void>;
  removeEnrolmentCode(accountId: string): Promise<void>;
}

/** A grant or revoke waiting for (or confirmed by) a directory outside the store. */
export interface OutboxJob {
  readonly id: number;
  readonly requestId: string;
  readonly kind: 'grant' | 'revoke';
  readonly groupId: string;
  readonly accountId: string;
  readonly createdAt: Instant;
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  readonly lastError: string | null;
  readonly doneAt: Instant | null;
  /** A worker claimed the job until then; after it, another node may take it over. */
  readonly claimedUntil: Instant | null;
}

/**
 * The durable outbox. Jobs are written in the same transaction as the state change that causes
 * them, and never dropped: a failing job is retried until the directory confirms it.
 */
export interface OutboxRepo {
  enqueue(job: Pick<OutboxJob, 'requestId' | 'kind' | 'groupId' | 'accountId' | 'createdAt'>): Promise<void>;
  /**
   * Jobs whose next attempt is due, oldest first, and only the first open job of each
   * (group, account) pair: a revoke must never overtake the grant before it, nor the reverse.
   */
  due(now: Instant, limit: number): Promise<OutboxJob[]>;
  /**
   * Takes due jobs (as `due`, skipping those another worker's claim still covers) and marks them
   * claimed until `until`. Directory calls happen outside transactions, so the claim is a lease: a
   * node that dies with jobs claimed leaves them to the others once `until` passes.
   */
  claim(now: Instant, until: Instant, limit: number): Promise<OutboxJob[]>;
  byId(id: number): Promise<OutboxJob | undefined>;
  /** Records the job as done; false when it already was (another worker finished it first). */
  markDone(id: number, at: Instant): Promise<boolean>;
  /** Records a failed attempt and releases the claim. */
  markFailed(id: number, attempts: number, nextAttemptAt: Instant, error: string): Promise<void>;
  /** How many jobs of `kind` for the request are not done yet. */
  openFor(requestId: string, kind: OutboxJob['kind']): Promise<number>;
  /** How many jobs for `groupId` are not done yet (a group must not vanish under them). */
  openForGroup(groupId: string): Promise<number>;
  /** Jobs not done yet, oldest first (for `elevate outbox`). */
  open(limit: number): Promise<OutboxJob[]>;
  /** When the earliest open job may next be tried. */
  nextAttemptAt(): Promise<Instant | null>;
}

/** How far behind the revocation machinery is right now: the figures an operator alerts on. */
export interface Backlog {
  readonly openGrants: number;
  readonly openRevokes: number;
  /** Open jobs whose last attempt failed. */
  readonly failingJobs: number;
  /**
   * When the most overdue unconfirmed revoke should have taken effect (its request's expiry, or when
   * it was closed); null when every revoke has been confirmed.
   */
  readonly oldestUnconfirmedRevokeAt: Instant | null;
  /** The earliest expiry that has passed while its elevation is still Active (not yet handled). */
  readonly oldestUnhandledExpiryAt: Instant | null;
  /** Time-driven steps (starts, expiries, timeouts) due at or before `now` and not yet done. */
  readonly dueRequests: number;
  /** The earliest of those. */
  readonly oldestDueAt: Instant | null;
}

export interface BacklogRepo {
  snapshot(now: Instant): Promise<Backlog>;
}
