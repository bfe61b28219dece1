import type { Account } from '../../domain/account/account.js';
import type { Group } from '../../domain/group/group.js';
import type { Directory } from '../../ports/directory.js';
import type { GroupRepo } from '../../ports/store.js';

/**
 * Elevate's own directory: membership rows in the store. Because it writes through the caller's
 * transaction, a grant or revoke commits atomically with the state change that caused it.
 */
export class EmbeddedDirectory implements Directory {
  readonly name = 'embedded';

  constructor(private readonly groups: GroupRepo) {}

  addMember(group: Group, account: Account): Promise<void> {
    return this.groups.addMember(group.id, account.id);
  }

  removeMember(group: Group, account: Account): Promise<void> {
    return this.groups.removeMember(group.id, account.id);
  }

  members(group: Group): Promise<string[]> {
    return this.groups.members(group.id);
  }
}
