import type { Instant } from '../time.js';

/**
 * An administrator's lock on an account: it refuses sign-in (and so every call and approval) until
 * an administrator lifts it or `until` passes. Unlike `disabled` it carries why, and when it ends.
 */
export interface AccountLock {
  readonly reason: string;
  readonly lockedAt: Instant;
  /** null: until an administrator unlocks the account. */
  readonly until: Instant | null;
  /** The administrator who locked it (an account id, or the local operator). */
  readonly lockedBy: string;
}

/** A person (or service) that can sign in. Privileges come only from roles, except `isAdmin`. */
export interface Account {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string | null;
  /** A self-describing password hash (scheme, parameters, salt, digest), or null: no password sign-in. */
  readonly passwordHash: string | null;
  /** Administrators manage users, groups and roles; they hold no elevation rights by that alone. */
  readonly isAdmin: boolean;
  readonly disabled: boolean;
  readonly lock: AccountLock | null;
  /**
   * A service account (automation, not a person): it has no password, no directory bind signs it
   * in, and it calls the API only with tokens an administrator creates for it. Absent: a person.
   */
  readonly service?: true;
}

const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidLogin(login: string): boolean {
  return LOGIN.test(login);
}

/**
 * What stands for the login in a directory's user filter, such as `(uid={login})`: the config
 * checks filters contain it, and the directory escapes the login before substituting it.
 */
export const LOGIN_PLACEHOLDER = '{login}';

/** Whether a lock is in force at `now`; an expired lock no longer refuses anything. */
export function isLocked(a: Pick<Account, 'lock'>, now: Instant): boolean {
  return a.lock !== null && (a.lock.until === null || now < a.lock.until);
}

/** Whether the account may sign in, call the API or decide approvals at `now`. */
export function mayAct(a: Pick<Account, 'disabled' | 'lock'>, now: Instant): boolean {
  return !a.disabled && !isLocked(a, now);
}
