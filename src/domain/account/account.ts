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
}

const LOGIN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidLogin(login: string): boolean {
  return LOGIN.test(login);
}
