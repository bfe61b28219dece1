import type { Instant } from '../domain/time.js';

/** What one sign-in keeps between sending the browser away and its return; bound to that browser. */
export interface AuthorizationFlow {
  readonly state: string;
  readonly nonce: string;
  /** The PKCE code verifier; only its hash went to the provider. */
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

/** Why an OpenID provider's answer was not taken. */
export type OidcRefusalReason = 'state' | 'provider-error' | 'token' | 'unreachable';

export class OidcRefusal extends Error {
  override readonly name = 'OidcRefusal';
  constructor(
    readonly reason: OidcRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An OpenID Connect provider, reached as a confidential or public client with the authorization
 * code flow and PKCE. The adapter verifies everything the ID token claims before returning them.
 */
export interface OpenIdProvider {
  /** A fresh flow and the provider URL to send the browser to. */
  begin(redirectUri: string): Promise<{ url: string; flow: AuthorizationFlow }>;
  /**
   * Redeems the code in `callbackUrl` (the full URL the browser came back to) and returns the ID
   * token's claims once its signature, issuer, audience, nonce and expiry hold at `now`. Throws
   * OidcRefusal when anything does not.
   */
  finish(callbackUrl: URL, flow: AuthorizationFlow, now: Instant): Promise<Readonly<Record<string, unknown>>>;
}
