import type { Account } from '../../domain/account/account.js';
import type { NamePageQuery, RowsPage } from './name-page.js';

/** See AccountRepo.changeCounts. */
export interface ChangeCounts {
  readonly accounts: number;
  readonly roles: number;
}

/** People known to Elevate: requesters, approvers, administrators. */
export interface AccountRepo {
  /** The account with this id, or undefined. */
  byId(id: string): Promise<Account | undefined>;
  /**
   * Two numbers that move (in the same commit) whenever any account, or any role or its links, is
   * added, changed or removed, by any process sharing the store (database triggers): equal to an
   * earlier reading means nothing of that kind changed since. Read together in one statement.
   */
  changeCounts(): Promise<ChangeCounts>;
  /** The account signing in as `login`, or undefined. */
  byLogin(login: string): Promise<Account | undefined>;
  /**
   * Holds the account's row until the transaction ends, so one person's creates and deactivations
   * take turns even on different nodes: each then sees what the one before it committed.
   */
  lockForChange(id: string): Promise<void>;
  /** `lockForChange` for many accounts at once, taken in one fixed order so two batches cannot deadlock. */
  lockManyForChange(ids: readonly string[]): Promise<void>;
  /** The accounts among `ids` that exist, in no particular order. */
  byIds(ids: readonly string[]): Promise<Account[]>;
  /** The accounts whose email is `email`, ignoring case (a chat user is matched by it). */
  withEmail(email: string): Promise<Account[]>;
  /** Every account. */
  list(): Promise<Account[]>;
  /** One page of the accounts whose login, display name or email contains the search, by login. */
  page(q: NamePageQuery): Promise<RowsPage<Account>>;
  /** Adds a new account. */
  insert(a: Account): Promise<void>;
  /** Overwrites the stored account of the same id. */
  update(a: Account): Promise<void>;
  /** Deletes the account. */
  remove(id: string): Promise<void>;
}
