import type { Group } from '../../domain/group/group.js';
import type { NamePageQuery, RowsPage } from './name-page.js';

/** Groups a role grants, and the embedded directory's memberships of them. */
export interface GroupRepo {
  /** The group with this id, or undefined. */
  byId(id: string): Promise<Group | undefined>;
  /** The group with this name, or undefined. */
  byName(name: string): Promise<Group | undefined>;
  /** The groups among `ids` that exist, in no particular order. */
  byIds(ids: readonly string[]): Promise<Group[]>;
  /** Every group. */
  list(): Promise<Group[]>;
  /** One page of the groups whose name, description or DN contains the search, by name. */
  page(q: NamePageQuery): Promise<RowsPage<Group>>;
  /** Adds a new group. */
  insert(g: Group): Promise<void>;
  /** Overwrites the stored group of the same id. */
  update(g: Group): Promise<void>;
  /** Deletes the group. */
  remove(id: string): Promise<void>;
  /**
   * Holds the groups' rows until the transaction ends, taken in one fixed order: setting standing
   * members and a role starting to grant the group check each other under it (group-members.ts).
   */
  lockForChange(ids: readonly string[]): Promise<void>;
  /** Account ids in the embedded directory's membership of the group. */
  members(groupId: string): Promise<string[]>;
  /** Adds a member; adding a present member changes nothing (idempotent by contract). */
  addMember(groupId: string, accountId: string): Promise<void>;
  /** Removes a member; removing an absent member changes nothing (idempotent by contract). */
  removeMember(groupId: string, accountId: string): Promise<void>;
  /** `removeMember` for many pairs in a few statements; absent pairs change nothing. */
  removeMembers(pairs: readonly GroupAccount[]): Promise<void>;
}

/** One account in one group (a membership, held or to be removed). */
export interface GroupAccount {
  readonly groupId: string;
  readonly accountId: string;
}
