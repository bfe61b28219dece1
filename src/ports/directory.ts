import type { Account } from '../domain/account/account.js';
import type { Group } from '../domain/group/group.js';
import type { Instant } from '../domain/time.js';

/**
 * Where group membership really lives. Implementations are idempotent by contract: adding a
 * present member or removing an absent one succeeds, so a retried job converges instead of failing.
 */
export interface Directory {
  /** The name roles' groups refer to (`embedded` for Elevate's own store). */
  readonly name: string;
  /**
   * Adds `account` to `group`. `expiresAt` is when the grant ends: a directory that can expire
   * memberships itself (Active Directory's time-limited links) uses it so access ends on time
   * even if Elevate is down; others ignore it.
   */
  addMember(group: Group, account: Account, expiresAt: Instant | null): Promise<void>;
  removeMember(group: Group, account: Account): Promise<void>;
  /**
   * The members of `group` right now, as logins (lower-cased); a member the directory cannot map
   * to a login is given by its DN.
   */
  members(group: Group): Promise<string[]>;
}
