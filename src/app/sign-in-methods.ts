import type { KerberosSignIn } from './kerberos-sign-in.js';
import type { OidcSignIn } from './oidc-sign-in.js';

/** The ways to sign in beside passwords, as configured; null where one is not. */
export interface SignInMethods {
  readonly oidc: OidcSignIn | null;
  readonly kerberos: KerberosSignIn | null;
}

export const NO_SIGN_IN_METHODS: SignInMethods = { oidc: null, kerberos: null };
