import type { Role, RoleSummary } from '../../domain/role/role.js';
import type { ListQuery, RoleField } from '../filter.js';

/** PAM roles: who may request which groups, for how long, with which checks. */
export interface RoleRepo {
  /** The role with this id, or undefined. */
  byId(id: string): Promise<Role | undefined>;
  /** The role with this name, or undefined. */
  byName(name: string): Promise<Role | undefined>;
  /** Every role, with its candidates and approvers. */
  list(): Promise<Role[]>;
  /** Roles `accountId` is a candidate for, filtered and ordered in the database, without member lists. */
  listForCandidate(accountId: string, q: ListQuery<RoleField>): Promise<RoleSummary[]>;
  /** Ids of roles granting `groupId`. */
  idsGranting(groupId: string): Promise<string[]>;
  /** Adds a new role. */
  insert(r: Role): Promise<void>;
  /** Overwrites the stored role of the same id. */
  update(r: Role): Promise<void>;
  /** Deletes the role. */
  remove(id: string): Promise<void>;
}
