import type { Role, RoleSummary } from '../../domain/role/role.js';
import type { ListQuery, RoleField } from '../filter.js';
import type { NamePageQuery, RowsPage } from './name-page.js';

/** PAM roles: who may request which groups, for how long, with which checks. */
export interface RoleRepo {
  /** The role with this id, or undefined. */
  byId(id: string): Promise<Role | undefined>;
  /** The role with this name, or undefined. */
  byName(name: string): Promise<Role | undefined>;
  /** Every role, with its candidates and approvers. */
  list(): Promise<Role[]>;
  /** One page of the roles whose name or description contains the search, by name. */
  page(q: NamePageQuery): Promise<RowsPage<Role>>;
  /**
   * Roles `accountId` is a candidate for, by name or through one of `viaGroups` (candidate groups
   * the caller is in, as the directories say), filtered and ordered in the database, without member lists.
   */
  listForCandidate(accountId: string, q: ListQuery<RoleField>, viaGroups?: readonly string[]): Promise<RoleSummary[]>;
  /** The roles among `ids` that exist, with their groups but without candidates and approvers. */
  withGroups(ids: readonly string[]): Promise<RoleWithGroups[]>;
  /** Ids of every group some role's approval stage names as approvers, sorted. */
  approverGroupIds(): Promise<string[]>;
  /** Ids of every group some role names as candidates, sorted. */
  candidateGroupIds(): Promise<string[]>;
  /** Ids of roles granting `groupId`. */
  idsGranting(groupId: string): Promise<string[]>;
  /** Adds a new role. */
  insert(r: Role): Promise<void>;
  /** Overwrites the stored role of the same id. */
  update(r: Role): Promise<void>;
  /** Deletes the role. */
  remove(id: string): Promise<void>;
}

/** A role's own settings and its groups, without its member lists (cheap however many candidates it has). */
export type RoleWithGroups = RoleSummary & Pick<Role, 'groupIds'>;
