import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PUBLIC } from '../openapi/security.js';
import { routeSchema } from '../plugins/zod-schemas.js';
import type { OidcSignIn } from '../../app/oidc-sign-in.js';
import type { Sessions } from '../../app/sessions.js';
import type { Clock } from '../../ports/clock.js';
import { type AuthorizationFlow, OidcRefusal } from '../../ports/openid-provider.js';
import type { SecretBox } from '../../ports/secret-box.js';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { addressKey } from '../plugins/client-address.js';
import { sameSecret } from '../plugins/same-secret.js';

export interface OidcRoutesOptions {
  readonly oidc: OidcSignIn;
  readonly sessions: Sessions;
  /** Seals the flow cookie, so the browser holds the state, nonce and PKCE verifier without reading them. */
  readonly secrets: SecretBox;
  readonly clock: Clock;
  readonly absoluteTimeoutSeconds: number;
  /** The registered redirect URI; null: this server's origin + the callback path. */
  readonly redirectUri: string | null;
}

export const FLOW_COOKIE = 'elevate_oidc_flow';
const FLOW_PATH = '/api/session/oidc';
const FLOW_CONTEXT = 'oidc-flow';
/** How long a person may spend at the provider between leaving and coming back. */
const FLOW_MS = 10 * 60_000;

/** What the portal's sign-in page says for each; it never shows text from the query string. */
export type SsoErrorCode = 'state' | 'provider-error' | 'token' | 'unreachable' | 'not-allowed';

interface SealedFlow extends AuthorizationFlow {
  readonly until: number;
}

/**
 * Single sign-on: /start sends the browser to the provider with a fresh state, nonce and PKCE
 * challenge, remembered in a sealed, short-lived cookie bound to this browser; /callback takes the
 * code back once (the cookie is spent and the state remembered), verifies the ID token and opens
 * an Elevate session. Every failure lands on the sign-in page with a code saying what went wrong.
 */
export async function oidcRoutes(app: FastifyInstance, opts: OidcRoutesOptions): Promise<void> {
  // States already redeemed on this node, until their flow would have expired anyway.
  const spent = new Map<string, number>();
  const forget = (now: number) => {
    for (const [state, until] of spent) if (until <= now) spent.delete(state);
  };
  const cookieOptions = (req: FastifyRequest) => ({ httpOnly: true, sameSite: 'lax' as const, secure: req.protocol === 'https', path: FLOW_PATH });

  const fail = (req: FastifyRequest, reply: FastifyReply, code: SsoErrorCode, detail: string) => {
    req.log.info({ component: 'oidc', code, detail }, 'single sign-on refused');
    return reply.redirect(`/?sso_error=${code}`, 303);
  };

  const redirect = (summary: string) =>
    routeSchema({ security: PUBLIC, tags: ['session'], summary, response: { 303: z.never().optional().meta({ description: 'To the provider, or back to the portal (`/?sso_error=…` when refused).' }) } });
  app.get('/start', { schema: redirect('Single sign-on: go to the identity provider') }, async (req, reply) => {
    let begun;
    try {
      begun = await opts.oidc.begin(opts.redirectUri ?? `${req.protocol}://${req.host}${FLOW_PATH}/callback`);
    } catch (e) {
      return fail(req, reply, e instanceof OidcRefusal ? e.reason : 'unreachable', (e as Error).message);
    }
    const sealed: SealedFlow = { ...begun.flow, until: opts.clock.now() + FLOW_MS };
    reply.setCookie(FLOW_COOKIE, opts.secrets.seal(JSON.stringify(sealed), FLOW_CONTEXT), { ...cookieOptions(req), maxAge: FLOW_MS / 1000 });
    return reply.redirect(begun.url, 303);
  });

  app.get('/callback', { schema: redirect('Single sign-on: back from the identity provider; opens a session') }, async (req, reply) => {
    const now = opts.clock.now();
    forget(now);
    const raw = req.cookies[FLOW_COOKIE];
    // Spent whatever happens next: one flow, one try.
    reply.clearCookie(FLOW_COOKIE, cookieOptions(req));
    const flow = raw ? openFlow(opts.secrets, raw) : null;
    if (!flow || flow.until <= now) return fail(req, reply, 'state', 'no sign-in started in this browser, or it took too long');
    const state = new URL(req.url, 'http://callback').searchParams.get('state') ?? '';
    if (!sameSecret(state, flow.state)) return fail(req, reply, 'state', 'the state does not match the one this browser was sent with');
    if (spent.has(flow.state)) return fail(req, reply, 'state', 'this sign-in was already completed');
    spent.set(flow.state, flow.until);
    let outcome;
    try {
      outcome = await opts.oidc.finish(new URL(req.url, flow.redirectUri), flow, addressKey(req.ip));
    } catch (e) {
      if (e instanceof OidcRefusal) return fail(req, reply, e.reason, e.message);
      throw e;
    }
    if ('refused' in outcome) return fail(req, reply, 'not-allowed', outcome.refused);
    const s = await opts.sessions.open(outcome.caller, 'oidc');
    reply.setCookie(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https', path: '/', maxAge: opts.absoluteTimeoutSeconds });
    return reply.redirect('/', 303);
  });
}

function openFlow(secrets: SecretBox, raw: string): SealedFlow | null {
  try {
    return JSON.parse(secrets.open(raw, FLOW_CONTEXT)) as SealedFlow;
  } catch {
    return null; // altered, from another key, or not ours: no flow
  }
}
