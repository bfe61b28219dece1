import { type Account, isValidLogin } from '../../domain/account/account.js';
import { DomainError } from '../../domain/errors.js';
import { type LockoutView, lockoutView, noAttempts } from '../../domain/mfa/attempt-limit.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import type { StoreTx } from '../../ports/store.js';
import type { Caller, Deps } from '../deps.js';
import { endOpenRequests } from '../end-access.js';
import { inLifecycle } from '../lifecycle.js';
import { matchesSearch } from './name-search.js';
import { type Page, type PageRequest, pageFrom } from './paging.js';
import { requireAdmin } from './require-admin.js';

export interface UserSpec {
  readonly login: string;
  readonly displayName?: string | undefined;
  readonly email?: string | null | undefined;
  readonly password?: string | undefined;
  readonly isAdmin?: boolean | undefined;
  readonly disabled?: boolean | undefined;
  /** A service account: no password, signs in with API tokens only. Fixed when the account is created. */
  readonly service?: boolean | undefined;
}

/** Never hand password hashes to callers. */
export type PublicAccount = Omit<Account, 'passwordHash'> & { readonly hasPassword: boolean };

export function publicAccount(a: Account): PublicAccount {
  const { passwordHash, ...rest } = a;
  return { ...rest, hasPassword: passwordHash !== null };
}

export async function accountByLogin(tx: StoreTx, login: string): Promise<Account> {
  const a = await tx.accounts.byLogin(login);
  if (!a) throw new DomainError('NotFound', `There is no user '${login}'.`);
  return a;
}

function checkSpec(s: UserSpec): void {
  if (!isValidLogin(s.login)) {
    throw new DomainError('BadRequest', `'${s.login}' is not a valid login: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
  }
  if (s.email != null && !/^[^\s@]+@[^\s@]+$/.test(s.email)) throw new DomainError('BadRequest', `'${s.email}' is not an email address.`);
  if (s.password !== undefined && s.password.length < 1) throw new DomainError('BadRequest', 'A password must not be empty.');
}

/** Creates the user, or updates it when the login exists; returns whether anything changed. */
export async function upsertUser(
  deps: Deps,
  hasher: PasswordHasher,
  caller: Caller,
  spec: UserSpec,
  mode: 'create' | 'update' | 'upsert',
): Promise<{ account: PublicAccount; changed: boolean }> {
  requireAdmin(caller);
  checkSpec(spec);
  // Hash outside the transaction: it is slow and needs no lock. Re-applying the same password keeps
  // the stored hash, so an idempotent apply changes nothing.
  const existingHash = (await deps.store.transaction((tx) => tx.accounts.byLogin(spec.login)))?.passwordHash ?? null;
  let passwordHash: string | undefined;
  if (spec.password !== undefined) {
    passwordHash = existingHash !== null && (await hasher.verify(spec.password, existingHash)) ? existingHash : await hasher.hash(spec.password);
  }
  return inLifecycle(deps, async (lc, tx) => {
    const now = lc.now;
    const existing = await tx.accounts.byLogin(spec.login);
    if (existing && mode === 'create') throw new DomainError('Conflict', `A user '${spec.login}' already exists.`);
    if (!existing && mode === 'update') throw new DomainError('NotFound', `There is no user '${spec.login}'.`);
    const service = existing ? existing.service === true : spec.service === true;
    if (existing && spec.service !== undefined && spec.service !== service) {
      throw new DomainError('BadRequest', `Whether '${spec.login}' is a service account is fixed when it is created; create a new account instead.`);
    }
    if (service && spec.password !== undefined) throw new DomainError('BadRequest', 'A service account has no password; it signs in with API tokens.');
    const next: Account = {
      id: existing?.id ?? deps.ids.newId(),
      login: existing?.login ?? spec.login,
      displayName: spec.displayName ?? existing?.displayName ?? spec.login,
      email: spec.email !== undefined ? spec.email : (existing?.email ?? null),
      passwordHash: passwordHash ?? existing?.passwordHash ?? null,
      isAdmin: spec.isAdmin ?? existing?.isAdmin ?? false,
      disabled: spec.disabled ?? existing?.disabled ?? false,
      lock: existing?.lock ?? null,
      ...(service && { service: true as const }),
    };
    if (existing && JSON.stringify(existing) === JSON.stringify(next)) return { account: publicAccount(next), changed: false };
    if (existing) await tx.accounts.update(next);
    else await tx.accounts.insert(next);
    if (existing && (existing.passwordHash !== next.passwordHash || next.disabled)) await tx.sessions.removeForAccount(next.id);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: existing ? 'account.updated' : 'account.created',
      targetType: 'account',
      targetId: next.id,
      requestId: null,
      before: existing ? publicAccount(existing) : null,
      after: publicAccount(next),
    });
    // Disabling takes every access away in this same transaction: nothing the person held, asked
    // for or scheduled outlives the decision that they may no longer act.
    if (existing && next.disabled && !existing.disabled) {
      await endOpenRequests(lc, { creatorId: next.id }, { reason: 'account-disabled', note: 'Your account was disabled by an administrator.' }, caller.accountId);
    }
    return { account: publicAccount(next), changed: true };
  });
}

/** A user as administrators list them: the account, and whether failed MFA attempts hold it back. */
export type UserView = PublicAccount & { readonly mfaLockout: LockoutView };

/** Every user, or with `search` those whose login, name or email contains it (the portal's pickers). */
export async function listUsers(deps: Deps, caller: Caller, search: string | null = null): Promise<UserView[]> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const now = deps.clock.now();
    const attempts = new Map((await tx.mfa.allAttempts()).map((a) => [a.accountId, a]));
    return (await tx.accounts.list()).filter((a) => matchesSearch(search, [a.login, a.displayName, a.email])).map((a) => ({ ...publicAccount(a), mfaLockout: lockoutView(attempts.get(a.id) ?? noAttempts(a.id), now) }));
  });
}

/**
 * One page of the users whose login, name or email contains `search` (any case), by login: searched,
 * counted and sliced by the store, with the MFA lockout read for the page's users only.
 */
export async function listUsersPage(deps: Deps, caller: Caller, search: string | null, page: PageRequest): Promise<Page<UserView>> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const now = deps.clock.now();
    const { rows, total } = await tx.accounts.page({ search, ...page });
    const value = await Promise.all(rows.map(async (a) => ({ ...publicAccount(a), mfaLockout: lockoutView((await tx.mfa.attempts(a.id)) ?? noAttempts(a.id), now) })));
    return pageFrom(value, total, page);
  });
}

export async function showUser(deps: Deps, caller: Caller, login: string): Promise<UserView> {
  requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const a = await accountByLogin(tx, login);
    return { ...publicAccount(a), mfaLockout: lockoutView((await tx.mfa.attempts(a.id)) ?? noAttempts(a.id), deps.clock.now()) };
  });
}

/**
 * Removes a user who has never requested anything. One with history is kept for the audit trail:
 * disable or lock it instead, which ends everything it holds. Anyone who holds or waits for access
 * has history, so removing an account can never leave a membership behind.
 */
/** Refuses (Conflict) to remove someone the audit trail refers to, naming what to do instead. */
async function refuseUserRemoval(tx: StoreTx, a: Account): Promise<void> {
  const history = await tx.requests.listByCreator(a.id, { filter: null, orderBy: [], top: 1, skip: 0 });
  if (history.length > 0) {
    throw new DomainError('Conflict', `User '${a.login}' has request history, which the audit trail refers to; disable the user instead (elevate user set ${a.login} --disabled).`);
  }
}

/**
 * Whether removeUser would refuse, asked before any confirmation so a front end does not ask
 * "remove alice?" only to be told no; removeUser checks again in its own transaction.
 */
export async function checkUserRemovable(deps: Deps, caller: Caller, login: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.read(async (tx) => refuseUserRemoval(tx, await accountByLogin(tx, login)));
}

export async function removeUser(deps: Deps, caller: Caller, login: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.transaction(async (tx) => {
    const a = await accountByLogin(tx, login);
    await refuseUserRemoval(tx, a);
    await tx.accounts.remove(a.id);
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'account.removed',
      targetType: 'account',
      targetId: a.id,
      requestId: null,
      before: publicAccount(a),
      after: null,
    });
  });
}
