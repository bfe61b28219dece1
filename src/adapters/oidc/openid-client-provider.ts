import type * as OpenIdClient from 'openid-client';
import type { Instant } from '../../domain/time.js';
import { type AuthorizationFlow, OidcRefusal, type OpenIdProvider } from '../../ports/openid-provider.js';

export interface OpenIdClientOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** Null: a public client, which proves itself with PKCE alone. */
  readonly clientSecret: string | null;
  readonly scopes: readonly string[];
}

/** Seconds of clock difference tolerated on exp, iat and nbf. */
const TOLERANCE_SECONDS = 30;

/**
 * The OpenID provider through `openid-client` (which verifies the ID token's signature against the
 * provider's JWKS, its issuer, audience, nonce and times). Discovery happens on first use, so
 * Elevate starts while the provider is down, and is retried after a failure.
 */
type Client = typeof OpenIdClient;
let library: Promise<Client> | null = null;
/**
 * openid-client (with oauth4webapi and Node's fetch) is loaded by the first sign-in that needs it,
 * not at start: a server without single sign-on never pays its memory.
 */
const openIdClient = (): Promise<Client> => (library ??= import('openid-client'));

export class OpenIdClientProvider implements OpenIdProvider {
  #discovered: Promise<OpenIdClient.Configuration> | null = null;

  constructor(private readonly opts: OpenIdClientOptions) {}

  async begin(redirectUri: string): Promise<{ url: string; flow: AuthorizationFlow }> {
    const config = await this.#config();
    const client = await openIdClient();
    const codeVerifier = client.randomPKCECodeVerifier();
    const flow: AuthorizationFlow = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier, redirectUri };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.opts.scopes.join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url: url.href, flow };
  }

  async finish(callbackUrl: URL, flow: AuthorizationFlow, now: Instant): Promise<Readonly<Record<string, unknown>>> {
    const discovered = await this.#config();
    const client = await openIdClient();
    // The times in the ID token are checked against Elevate's clock (a test's fake one included).
    const skew = Math.round((now - Date.now()) / 1000);
    const config = new client.Configuration(discovered.serverMetadata(), this.opts.clientId, {
      ...(this.opts.clientSecret !== null && { client_secret: this.opts.clientSecret }),
      [client.clockSkew]: skew,
      [client.clockTolerance]: TOLERANCE_SECONDS,
    }, this.opts.clientSecret === null ? client.None() : undefined);
    if (new URL(this.opts.issuer).protocol === 'http:') client.allowInsecureRequests(config);
    // The library trusts an ID token from the token endpoint without checking its signature (TLS
    // vouches for it, says OIDC Core 3.1.3.7); Elevate checks it against the provider's JWKS anyway.
    client.enableNonRepudiationChecks(config);
    // The redirect URI the code was issued for, whatever Host the callback arrived with.
    const current = new URL(flow.redirectUri);
    current.search = callbackUrl.search;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      throw refusal(client, e);
    }
    const claims = tokens.claims();
    if (!claims) throw new OidcRefusal('token', 'the provider returned no ID token');
    return claims as Readonly<Record<string, unknown>>;
  }

  #config(): Promise<OpenIdClient.Configuration> {
    this.#discovered ??= this.#discover().catch((e: unknown) => {
      this.#discovered = null;
      throw new OidcRefusal('unreachable', `cannot read the provider's discovery document: ${(e as Error).message}`);
    });
    return this.#discovered;
  }

  async #discover(): Promise<OpenIdClient.Configuration> {
    const client = await openIdClient();
    const issuer = new URL(this.opts.issuer);
    const secret = this.opts.clientSecret;
    return client.discovery(issuer, this.opts.clientId, secret ?? undefined, secret === null ? client.None() : undefined, {
      ...(issuer.protocol === 'http:' && { execute: [client.allowInsecureRequests] }),
      timeout: 10,
    });
  }
}

/** The library's errors, sorted into what the sign-in page tells the person. */
function refusal(client: Client, e: unknown): OidcRefusal {
  if (e instanceof client.AuthorizationResponseError) return new OidcRefusal('provider-error', `the provider answered ${e.error}${e.error_description ? `: ${e.error_description}` : ''}`);
  if (e instanceof client.ResponseBodyError) return new OidcRefusal('provider-error', `the token endpoint refused the code: ${e.error}${e.error_description ? `: ${e.error_description}` : ''}`);
  const err = e as Error & { code?: string };
  if (err.code === 'OAUTH_INVALID_RESPONSE' && /state/i.test(err.message)) return new OidcRefusal('state', err.message);
  if (err.name === 'TypeError' || err.code === 'OAUTH_TIMEOUT' || err.name === 'AbortError') return new OidcRefusal('unreachable', err.message);
  return new OidcRefusal('token', err.message);
}
