import type { Caller, Deps } from '../deps.js';
import { requireAdmin } from './require-admin.js';

/** What a name given on a command line may be the name of. */
export type NameKind = 'user' | 'role' | 'group';

/**
 * Every stored name of one kind, so a front end can match a typed name ignoring case and suggest
 * the closest one. A login is what users are called on command lines.
 */
export async function knownNames(deps: Deps, caller: Caller, kind: NameKind): Promise<string[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    switch (kind) {
      case 'user':
        return (await tx.accounts.list()).map((a) => a.login);
      case 'role':
        return (await tx.roles.list()).map((r) => r.name);
      case 'group':
        return (await tx.groups.list()).map((g) => g.name);
    }
  });
}
