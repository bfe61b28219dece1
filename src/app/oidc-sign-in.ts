import type { AuthorizationFlow, OpenIdProvider } from '../ports/openid-provider.js';
import type { Deps } from './deps.js';
import type { IdentityOutcome, IdentitySignIn } from './identity-sign-in.js';

export interface ClaimNames {
  /** The claim holding the login (e.g. preferred_username). */
  readonly loginClaim: string;
  /** The claim holding the groups, an array of strings. */
  readonly groupsClaim: string;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Single sign-on through an OpenID provider: the ID token's claims name the account. */
export class OidcSignIn {
  constructor(
    private readonly deps: Deps,
    private readonly provider: OpenIdProvider,
    private readonly identities: IdentitySignIn,
    private readonly claims: ClaimNames,
    /** What the portal's button calls the provider. */
    readonly displayName: string,
  ) {}

  begin(redirectUri: string): Promise<{ url: string; flow: AuthorizationFlow }> {
    return this.provider.begin(redirectUri);
  }

  /** Verifies the provider's answer (throws OidcRefusal) and signs in the account its ID token names. */
  async finish(callbackUrl: URL, flow: AuthorizationFlow, address: string): Promise<IdentityOutcome> {
    const claims = await this.provider.finish(callbackUrl, flow, this.deps.clock.now());
    const groups = claims[this.claims.groupsClaim];
    return this.identities.signIn(
      {
        login: text(claims[this.claims.loginClaim]),
        displayName: text(claims.name),
        email: text(claims.email),
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
        via: 'oidc',
      },
      address,
    );
  }
}
