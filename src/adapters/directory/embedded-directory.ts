import type { Account } from '../../domain/account/account.js';
import type { Group } from '../../domain/group/group.js';
import type { Directory } from '../../ports/directory.js';
import type { AccountRepo, GroupRepo } from '../../ports/store.js';

/**
 * Elevate's own directory: membership rows in the store. Because it writes through the caller's
 * transaction, a grant or revoke commits atomically with the state change that caused it.
 */
export class EmbeddedDirectory implements Directory {
  readonly name = 'embedded';

  constructor(
    private readonly groups: GroupRepo,
    private readonly accounts: AccountRepo,
  ) {}

  addMember(group: Group, account: Account): Promise<void> {
    return this.groups.addMember(group.id, account.id);
  }

  removeMember(group: Group, account: Account): Promise<void> {
    return this.groups.removeMember(group.id, account.id);
  }

  async members(group: Group): Promise<string[]> {
    const ids = await this.groups.members(group.id);
    const logins = await Promise.all(ids.map(async (id) => (await this.accounts.byId(id))?.login.toLowerCase() ?? id));
    return logins.sort();
  }
}
