import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator, SignInSource } from '../../app/authenticate.js';
import type { Caller } from '../../app/deps.js';
import type { KerberosSignIn } from '../../app/kerberos-sign-in.js';
import type { Sessions } from '../../app/sessions.js';
import { type BearerTokens, bearerCaller, isBearer } from './bearer.js';
import type { LoginThrottle } from './login-throttle.js';
import { odataError } from '../odata/error-map.js';
import { addressKey, isLoopback } from './client-address.js';
import { isNegotiate, negotiateCaller } from './negotiate.js';
import { sameSecret } from './same-secret.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireCaller` before any protected handler runs. */
    caller: Caller | null;
  }
}

export const SESSION_COOKIE = 'elevate_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthOptions {
  readonly authenticator: Authenticator;
  readonly sessions: Sessions;
  readonly accountDomain: string;
  /** Shared with the sign-in form: guessing through Basic on any endpoint counts the same. */
  readonly throttle: LoginThrottle;
  /** False: Basic credentials are refused everywhere (single sign-on or Kerberos only). */
  readonly passwordSignIn?: boolean;
  /** Kerberos (HTTP Negotiate) on the API; null or absent when not configured. */
  readonly kerberos?: KerberosSignIn | null;
  /** API tokens, sent as `Authorization: Bearer` (plugins/bearer.ts). */
  readonly tokens: BearerTokens;
}

/** Which schemes a 401 offers. */
export interface Offers {
  readonly basic: boolean;
  readonly negotiate: boolean;
}

const offersOf = (opts: AuthOptions): Offers => ({ basic: opts.passwordSignIn !== false, negotiate: !!opts.kerberos });

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `PRIV\jen`, `jen@PRIV` and `jen` all name the same account when PRIV is this server's domain,
 * as Windows sign-in accepted them.
 */
export function loginFromUserName(userName: string, domain: string): string {
  const d = domain.toLowerCase();
  const slash = userName.indexOf('\\');
  if (slash >= 0 && userName.slice(0, slash).toLowerCase() === d) return userName.slice(slash + 1);
  const at = userName.lastIndexOf('@');
  if (at >= 0 && userName.slice(at + 1).toLowerCase() === d) return userName.slice(0, at);
  return userName;
}

function parseBasic(header: string): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}


/** No Basic challenge here: a browser would only prompt again into the same wall. */
export function tooManyAttempts(reply: FastifyReply, waitSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(waitSeconds))
    .send(odataError('TooManyAttempts', `Too many failed sign-ins for this account; try again in ${waitSeconds} seconds.`));
}

/**
 * Checks a password under the sign-in throttle: the attempt is admitted (and counted) before the
 * check starts and settled when it ends, so parallel guesses cannot all slip through. Null with a
 * reply already sent when the throttle refused; otherwise the caller, or null for wrong credentials.
 */
export async function throttledSignIn<T>(
  throttle: LoginThrottle,
  req: FastifyRequest,
  reply: FastifyReply,
  login: string,
  password: string,
  check: (from: SignInSource) => Promise<T | null>,
): Promise<{ refused: true } | { refused: false; result: T | null }> {
  const address = addressKey(req.ip);
  const admission = throttle.admit(login, address, password);
  if (!admission.ok) {
    tooManyAttempts(reply, admission.retryAfterSeconds);
    return { refused: true };
  }
  let result: T | null;
  try {
    result = await check({ address, loopback: isLoopback(req.ip) });
  } catch (e) {
    admission.attempt.abandoned();
    throw e;
  }
  if (result === null) admission.attempt.failed();
  else admission.attempt.succeeded();
  return { refused: false, result };
}

export function challenge(reply: FastifyReply, message: string, offers: Offers = { basic: true, negotiate: false }): FastifyReply {
  // A browser answers a Basic challenge on a credentialed cross-origin call only when the 401
  // carries WWW-Authenticate (the sample portal relies on it). Elevate's own portal, calling from
  // this origin, shows its sign-in form instead; a browser password prompt over it would only confuse.
  const h = reply.request.headers;
  if (!(h['sec-fetch-site'] === 'same-origin' && h['sec-fetch-mode'] !== 'navigate')) {
    // Negotiate first, as IIS offered it to MIM's clients: those that can use Kerberos do.
    const schemes = [...(offers.negotiate ? ['Negotiate'] : []), ...(offers.basic ? ['Basic realm="Elevate", charset="UTF-8"'] : [])];
    if (schemes.length > 0) reply.header('www-authenticate', schemes);
  }
  return reply.code(401).send(odataError('Unauthorized', message));
}

/**
 * Resolves the caller from HTTP Basic credentials, an API token or the session cookie, and refuses everything
 * else. A cookie alone never authorises a state change: it must come with the session's CSRF token.
 */
export function requireCaller(opts: AuthOptions) {
  return async function (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const header = req.headers.authorization;
    const offers = offersOf(opts);
    if (header !== undefined) {
      if (isBearer(header)) return bearerCaller(opts.tokens, req, reply);
      if (opts.kerberos && isNegotiate(header)) {
        const refused = await negotiateCaller(opts.kerberos, req, reply, header);
        return refused === null ? undefined : challenge(reply, 'The Kerberos ticket was not accepted, or it names no account that may sign in here.', offers);
      }
      if (!offers.basic) return challenge(reply, 'Password sign-in is switched off on this server: sign in to the portal with single sign-on, or call the API with Kerberos (Negotiate).', offers);
      const creds = parseBasic(header);
      if (!creds) return challenge(reply, 'The Authorization header must be HTTP Basic credentials (user:password in base64).', offers);
      const login = loginFromUserName(creds.user, opts.accountDomain);
      const out = await throttledSignIn(opts.throttle, req, reply, login, creds.password, (from) => opts.authenticator.verify(login, creds.password, from));
      if (out.refused) return reply;
      if (!out.result) return challenge(reply, 'The user name or password is incorrect, or the account is disabled.', offers);
      req.caller = out.result;
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = await opts.sessions.resolve(token);
      if (!s) return challenge(reply, 'Your session has ended; sign in again.', offers);
      if (UNSAFE.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameSecret(sent, s.csrfToken)) {
          return reply.code(403).send(odataError('Forbidden', `This change needs the ${CSRF_HEADER} header from your session; reload the page and try again.`));
        }
      }
      req.caller = s.caller;
      return;
    }
    return challenge(reply, 'Sign in: send HTTP Basic credentials or a session cookie.', offers);
  };
}

export function registerCallerSlot(app: FastifyInstance): void {
  app.decorateRequest('caller', null);
}
