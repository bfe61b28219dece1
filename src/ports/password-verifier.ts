/**
 * Checks a password somewhere other than Elevate's own hash: an LDAP bind as the user, as Windows
 * sign-in did for MIM. Throws DirectoryUnavailable when it cannot ask (so the caller answers 503,
 * not "wrong password").
 */
export interface PasswordVerifier {
  readonly name: string;
  verify(login: string, password: string): Promise<boolean>;
}
