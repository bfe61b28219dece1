import { generateKeyPairSync, sign } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test provider knows, by login; the claims go into their ID tokens. */
export interface IdpPerson {
  readonly name?: string;
  readonly email?: string;
  readonly groups?: readonly string[];
  /** The login claim; absent: the account id. */
  readonly preferred_username?: string | number;
}

export const IDP_CLIENT_ID = 'elevate';
export const IDP_CLIENT_SECRET = 'idp-test-client-secret-0123456789';
/** The provider's ID tokens live this long, so tests can let one expire on a fake clock. */
export const ID_TOKEN_TTL_SECONDS = 60;

type Claims = Record<string, unknown>;

/**
 * A real OpenID provider (the `oidc-provider` package) on loopback. Its development login form
 * accepts any password for a known person and there is no consent page, so a test signs in as
 * whoever it names. `tamper` rewrites the next ID tokens it issues (re-signed with its own key,
 * or not), to test what a relying party must refuse.
 */
export class TestIdp {
  readonly #server: Server;
  readonly #people: Map<string, IdpPerson>;
  readonly #key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  #provider: Provider | null = null;
  /** Changes each ID token's claims before it leaves; `resign: false` keeps the old signature. */
  tamper: { claims: (c: Claims) => Claims; resign: boolean } | null = null;

  private constructor(server: Server, people: Record<string, IdpPerson>) {
    this.#server = server;
    this.#people = new Map(Object.entries(people));
  }

  static async start(people: Record<string, IdpPerson>): Promise<TestIdp> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const idp = new TestIdp(server, people);
    server.on('request', (req, res) => {
      if (!idp.#provider) {
        res.writeHead(503).end('provider not configured yet');
        return;
      }
      idp.#provider.callback()(req, res);
    });
    return idp;
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Registers Elevate as the client, with the redirect URIs it will use (known once it listens). */
  register(redirectUris: string[]): void {
    const jwk = { ...this.#key.privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: IDP_CLIENT_ID,
          client_secret: IDP_CLIENT_SECRET,
          redirect_uris: redirectUris,
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk as never] },
      claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'], groups: ['groups'] },
      scopes: ['openid', 'profile', 'email', 'groups'],
      // The requested claims go into the ID token, as Keycloak's and Entra's mappers put them there.
      conformIdTokenClaims: false,
      ttl: { IdToken: ID_TOKEN_TTL_SECONDS },
      findAccount: (_ctx, id) => {
        const p = this.#people.get(id);
        if (!p) return undefined;
        return { accountId: id, claims: () => ({ sub: id, preferred_username: id, ...p }) as never };
      },
      // No consent page: every client of this test provider is first-party.
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope('openid profile email groups');
        await grant.save();
        return grant;
      },
    });
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (this.tamper && ctx.path === '/token' && body && typeof body.id_token === 'string') {
        ctx.body = { ...body, id_token: this.#rewrite(body.id_token, this.tamper) };
      }
    });
    this.#provider = provider;
  }

  #rewrite(jwt: string, t: { claims: (c: Claims) => Claims; resign: boolean }): string {
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const claims = t.claims(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims);
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    if (!t.resign) return `${header}.${body}.${signature}`;
    const signed = sign('sha256', Buffer.from(`${header}.${body}`), this.#key.privateKey).toString('base64url');
    return `${header}.${body}.${signed}`;
  }

  /**
   * Follows the provider's side of a sign-in with plain HTTP, as a browser would: `authUrl` is where
   * Elevate sent the browser; the answer is the callback URL the provider sends it back to.
   */
  async signIn(authUrl: string, login: string): Promise<string> {
    const jar = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}): Promise<string> => {
      const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`the provider answered ${res.status} without a redirect at ${url}: ${(await res.text()).slice(0, 300)}`);
      return new URL(location, url).href;
    };
    const interaction = await go(authUrl);
    const resume = await go(interaction, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
    });
    return go(resume);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
