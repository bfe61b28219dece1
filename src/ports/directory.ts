import type { Account } from '../domain/account/account.js';
import type { Group } from '../domain/group/group.js';

/**
 * Where group membership really lives. Implementations are idempotent by contract: adding a
 * present member or removing an absent one succeeds, so a retried job converges instead of failing.
 */
export interface Directory {
  /** The name roles' groups refer to (`embedded` for Elevate's own store). */
  readonly name: string;
  addMember(group: Group, account: Account): Promise<void>;
  removeMember(group: Group, account: Account): Promise<void>;
  /** Ids of the Elevate accounts that are members of `group` right now. */
  members(group: Group): Promise<string[]>;
}
