import { DomainError } from '../../domain/errors.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { Deps } from '../deps.js';
import { LOCAL_OPERATOR } from './require-admin.js';
import { type UserView, showUser, upsertUser } from './users.js';

/** Whether any enabled account may administer: a server without one can only be run from its console. */
export async function hasAdministrator(deps: Deps): Promise<boolean> {
  return deps.store.read(async (tx) => (await tx.accounts.list()).some((a) => a.isAdmin && !a.disabled));
}

/**
 * `elevate init` and ELEVATE_BOOTSTRAP_ADMIN: the first administrator of a new installation. Only
 * the first: once an administrator exists, further ones are made by an administrator, so a leaked
 * bootstrap setting left in a unit file cannot mint another. Asking again for the same login is a
 * no-op, so a restart with the bootstrap still set is harmless.
 */
export async function createFirstAdministrator(
  deps: Deps,
  hasher: PasswordHasher,
  login: string,
  password: string,
): Promise<{ readonly created: boolean; readonly user: UserView }> {
  const admins = await deps.store.read(async (tx) => (await tx.accounts.list()).filter((a) => a.isAdmin && !a.disabled));
  if (admins.some((a) => a.login.toLowerCase() === login.toLowerCase())) return { created: false, user: await showUser(deps, LOCAL_OPERATOR, login) };
  if (admins.length > 0) {
    throw new DomainError('Conflict', `this store already has an administrator (${admins.map((a) => a.login).join(', ')}); add more with \`elevate user add LOGIN --admin\``);
  }
  await upsertUser(deps, hasher, LOCAL_OPERATOR, { login, password, isAdmin: true, disabled: false }, 'upsert');
  return { created: true, user: await showUser(deps, LOCAL_OPERATOR, login) };
}
