import type { PamRequest, RequestStatus } from '../../domain/request/request.js';
import type { Instant } from '../../domain/time.js';
import type { ListQuery, RequestField } from '../filter.js';
import type { GroupAccount } from './group-repo.js';
import type { NamePageQuery, RowsPage } from './name-page.js';

/** One Processing or Active elevation with its role's and holder's names (the admin "Active now" list). */
export interface HoldingRow {
  readonly requestId: string;
  readonly status: RequestStatus;
  readonly startedAt: Instant | null;
  readonly expiresAt: Instant | null;
  readonly roleId: string;
  readonly roleName: string;
  readonly accountId: string;
  /** null when the account is gone. */
  readonly login: string | null;
  readonly displayName: string | null;
}

/** Elevation requests, and the time-driven queue their `due_at` forms. */
export interface RequestRepo {
  /** The request with this id, or undefined. */
  byId(id: string): Promise<PamRequest | undefined>;
  /** Adds a new request (version 1). */
  insert(r: PamRequest): Promise<void>;
  /**
   * Writes `r` if the stored version is `fromVersion` (`r.version - 1` unless given: several
   * transitions of one transaction are written at once); otherwise throws a DomainError 'Conflict'.
   * This is the optimistic concurrency check every transition goes through.
   */
  update(r: PamRequest, fromVersion?: number): Promise<void>;
  /**
   * Writes each `after` over its `before` if the stored version is still `before.version`, in a few
   * statements; when any is not, throws a DomainError 'Conflict' (the caller's transaction then
   * rolls back every write). Only columns that differ from `before` are written.
   */
  updateMany(writes: readonly RequestWrite[]): Promise<void>;
  /** The requester's requests, filtered, ordered and paged in the database. */
  listByCreator(creatorId: string, q: ListQuery<RequestField>): Promise<PamRequest[]>;
  /** Requests of `creatorId` for `roleId` in one of `statuses`. */
  findByCreatorRole(creatorId: string, roleId: string, statuses: readonly RequestStatus[]): Promise<PamRequest[]>;
  /** Creation times of the requester's requests made after `since`, newest first, at most `limit` (for the rate limit). */
  recentCreations(creatorId: string, since: Instant, limit: number): Promise<Instant[]>;
  /**
   * Requests whose time-driven step is due at or before `now`, oldest first, for the worker that
   * will handle them: the rows stay held until commit, and rows another node's transaction holds
   * are skipped rather than waited for, so concurrent nodes take disjoint work.
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
  /** Of `pairs`, those whose account still holds the group through some Processing or Active elevation. */
  heldGroups(pairs: readonly GroupAccount[]): Promise<GroupAccount[]>;
  /**
   * Requests not yet ended nor ending (pending, scheduled, Processing or Active) of one account, of
   * one role, or of both; oldest first. What an administrator's revoke or lock ends.
   */
  /**
   * One page of who holds which role now (Processing or Active), by role name then login; the search
   * (lower-case) matches the role name, login or display name. Joined, counted and sliced in SQL.
   */
  holdingsPage(q: NamePageQuery): Promise<RowsPage<HoldingRow>>;
  /** How many requests are in each open status (PendingMFA ... Active), counted by the store, not loaded. */
  countOpenByStatus(): Promise<Partial<Record<RequestStatus, number>>>;
  listOpen(by: { readonly creatorId?: string; readonly roleId?: string }): Promise<PamRequest[]>;
}

/** A request's new state, written only over the stored state it was computed from. */
export interface RequestWrite {
  readonly before: PamRequest;
  readonly after: PamRequest;
}
