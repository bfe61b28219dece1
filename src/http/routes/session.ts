import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { loginBody, sessionAnswer, signInMethods } from '../../wire/session.js';
import { PUBLIC } from '../openapi/security.js';
import { answers, describedOnly, noContent, routeSchema } from '../plugins/zod-schemas.js';
import type { Sessions } from '../../app/sessions.js';
import { DomainError } from '../../domain/errors.js';
import { type AuthOptions, SESSION_COOKIE, loginFromUserName, requireCaller, throttledSignIn } from '../plugins/auth.js';
import { odataError } from '../odata/error-map.js';
import { readParams } from '../odata/request-params.js';

export interface SessionRoutesOptions extends AuthOptions {
  readonly sessions: Sessions;
  readonly absoluteTimeoutSeconds: number;
  /** What the sign-in page offers: the password form, and the single sign-on button's provider name. */
  readonly methods?: { readonly passwordSignIn: boolean; readonly oidc: string | null };
}

const SESSION_ROUTES = {
  methods: routeSchema({ security: PUBLIC, tags: ['session'], summary: 'What the sign-in page offers', response: answers({ 200: signInMethods }) }),
  login: routeSchema({
    security: PUBLIC,
    tags: ['session'],
    summary: 'Sign in with a password: sets the session cookie',
    // Read with readParams: JSON or a form, names without regard to case.
    body: describedOnly(loginBody),
    response: answers({ 200: sessionAnswer }),
  }),
  current: routeSchema({ tags: ['session'], summary: 'Who is signed in, and the CSRF token for changes', response: answers({ 200: sessionAnswer }) }),
  logout: routeSchema({ tags: ['session'], summary: 'End this session', response: answers({ 204: noContent }) }),
  logoutEverywhere: routeSchema({ tags: ['session'], summary: 'End every session of mine', response: answers({ 204: noContent }) }),
};

/** Cookie sessions for browser apps: /api/session/login, /logout, and GET /api/session. */
export async function sessionRoutes(root: FastifyInstance, opts: SessionRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const methods = opts.methods ?? { passwordSignIn: true, oidc: null };
  app.get('/methods', { schema: SESSION_ROUTES.methods }, async () => ({ passwordSignIn: methods.passwordSignIn, oidc: methods.oidc === null ? null : { displayName: methods.oidc, start: '/api/session/oidc/start' } }));

  app.post('/login', { schema: SESSION_ROUTES.login }, async (req, reply) => {
    if (!methods.passwordSignIn) {
      return reply.code(403).send(odataError('PasswordSignInOff', 'Password sign-in is switched off on this server: use single sign-on.'));
    }
    const p = readParams(undefined, req.body, ['login', 'password']);
    if (!p.login || p.password === undefined) throw new DomainError('BadRequest', 'Send login and password.');
    const login = loginFromUserName(p.login, opts.accountDomain);
    const out = await throttledSignIn(opts.throttle, req, reply, login, p.password, (from) => opts.sessions.login(login, p.password!, from));
    if (out.refused) return reply;
    const s = out.result;
    if (!s) return reply.code(401).send(odataError('Unauthorized', 'The user name or password is incorrect, or the account is disabled.'));
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.protocol === 'https',
      path: '/',
      maxAge: opts.absoluteTimeoutSeconds,
    });
    return { login: s.caller.login, isAdmin: s.caller.isAdmin, csrfToken: s.csrfToken };
  });

  app.register(async (plugin) => {
    const authed = plugin.withTypeProvider<ZodTypeProvider>();
    authed.addHook('onRequest', requireCaller(opts));
    authed.get('/', { schema: SESSION_ROUTES.current }, async (req) => {
      const token = req.cookies[SESSION_COOKIE];
      const s = token ? await opts.sessions.resolve(token) : null;
      return { login: req.caller!.login, isAdmin: req.caller!.isAdmin, csrfToken: s?.csrfToken ?? null };
    });
    authed.post('/logout', { schema: SESSION_ROUTES.logout }, async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await opts.sessions.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    });
    authed.post('/logout-everywhere', { schema: SESSION_ROUTES.logoutEverywhere }, async (req, reply) => {
      await opts.sessions.logoutEverywhere(req.caller!.accountId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    });
  });
}
