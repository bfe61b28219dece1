import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { readBacklog } from '../app/backlog.js';
import type { Core } from '../app/core.js';
import type { Config } from '../config/schema.js';
import { Metrics } from './metrics.js';
import { auditTokenUse, resolveApiToken } from '../app/api-tokens.js';
import { requireCaller, registerCallerSlot } from './plugins/auth.js';
import { installErrorHandlers } from './plugins/error-handler.js';
import { frameworkErrorOptions, refuseUnknownExpectation, refuseWhileClosing } from './plugins/framework-errors.js';
import { LoginThrottle } from './plugins/login-throttle.js';
import { allowedHostsFor, hostCheck } from './plugins/host-check.js';
import { methodNotAllowed } from './plugins/method-not-allowed.js';
import { originGuard } from './plugins/origin-guard.js';
import { logEachRequestOnce } from './plugins/request-log.js';
import { adminRoutes } from './routes/admin.js';
import { describeRoutes } from './openapi/document.js';
import { openapiRoutes } from './routes/openapi.js';
import { useZodSchemas } from './plugins/zod-schemas.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { metricsRoutes } from './routes/metrics.js';
import { mfaRoutes } from './routes/mfa.js';
import { pamResources } from './routes/pam-resources.js';
import { portalRoutes } from './routes/portal.js';
import { slackRoutes } from './routes/slack.js';
import { sessionRoutes } from './routes/session.js';
import { oidcRoutes } from './routes/oidc.js';
import { NO_SIGN_IN_METHODS, type SignInMethods } from '../app/sign-in-methods.js';
import { myTokenRoutes, userTokenRoutes } from './routes/tokens.js';

export interface AppOptions {
  readonly core: Core;
  readonly config: Config;
  readonly logger: Logger;
  /** The server's metrics, fed by its scheduler; a fresh set when absent (tests). */
  readonly metrics?: Metrics;
  /** The built portal (scripts/build-portal.mjs); defaults to portal/build in this checkout. */
  readonly portalDir?: string;
  /** Single sign-on and Kerberos (see composition/sign-in-wiring.ts); none when absent. */
  readonly signIn?: SignInMethods;
  /** Serve HTTPS with this certificate chain and key (PEM); plain HTTP when absent. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

/** From dist/src/http/app.js up to the checkout, where the portal build lives. */
const DEFAULT_PORTAL_DIR = fileURLToPath(new URL('../../../portal/build/', import.meta.url));

/** Bodies are small forms and JSON objects; anything larger is a mistake or an attack. */
const BODY_LIMIT = 64 * 1024;
/** Keys are `guid'…'` and names are short; a longer path segment is refused (414) before routing. */
const MAX_PARAM_LENGTH = 200;

/** Builds the HTTP app without listening, so tests can drive it with inject(). */
export async function buildApp({ core, config, logger, metrics, portalDir = DEFAULT_PORTAL_DIR, signIn = NO_SIGN_IN_METHODS, tls }: AppOptions): Promise<FastifyInstance> {
  const { deps } = core;
  const serverOptions = {
    requestTimeout: config.http.requestTimeoutMs,
    headersTimeout: config.http.headersTimeoutMs,
    // Node looks for requests past their timeouts this often (30 s by default).
    connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
  };
  // With TLS the server is an https.Server (its setSecureContext reloads the certificate); Fastify's
  // instance type is the same either way for everything the routes use.
  const app = Fastify({
    ...(tls ? { https: { ...serverOptions, cert: tls.cert, key: tls.key } } : { http: serverOptions }),
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request instead of two (logEachRequestOnce).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // A client that trickles its request or sits idle holds a socket; these bound how long.
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.idleTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // IIS, which hosted MIM's API, matched paths without regard to case; clients written against it may too.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: MAX_PARAM_LENGTH },
    // Fastify's router and Node's parser answer some errors themselves: in the OData shape too.
    ...frameworkErrorOptions(MAX_PARAM_LENGTH, config.corsOrigins),
    // X-Forwarded-For/-Proto count only from the listed proxies (proxy-addr, inside Fastify): then
    // req.ip is the client's address (the sign-in throttle keys on it) and req.protocol the outside
    // scheme (the session cookie is Secure when it is https).
    trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
    // Request ids in logs and 500 messages; never taken from the client.
    // Responses point at `%24metadata` (as MIM's did); the router does not decode `%24`, so do it here.
    rewriteUrl: (req) => (req.url ?? '/').replace(/^(\/api\/pamresources\/)%24(metadata)/i, '$1$$$2'),
    genReqId: (() => {
      let n = 0;
      return () => `req-${(++n).toString(36)}`;
    })(),
  });
  // Connections beyond this are closed as they arrive, before any byte is read.
  app.server.maxConnections = config.http.maxConnections;
  registerCallerSlot(app);
  useZodSchemas(app);
  logEachRequestOnce(app);
  installErrorHandlers(app);
  app.addHook('onRequest', hostCheck(allowedHostsFor(config)));
  refuseUnknownExpectation(app);

  const allowed = new Set(config.corsOrigins);
  await app.register(cors, {
    // Only listed origins get CORS headers, with credentials; everyone else gets none at all.
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
    strictPreflight: false,
  });
  // After CORS, so the portal on another origin can read the 503 too.
  refuseWhileClosing(app);
  app.addHook('onRequest', originGuard(config.corsOrigins));
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    // API answers carry personal data and must not be kept; the portal's files set their own policy.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  const auth = {
    authenticator: core.authenticator,
    sessions: core.sessions,
    accountDomain: config.accountDomain,
    throttle: new LoginThrottle(() => deps.clock.now()),
    passwordSignIn: config.passwordSignIn,
    kerberos: signIn.kerberos,
    tokens: { resolve: (token: string) => resolveApiToken(deps, token), recordUse: auditTokenUse.bind(null, deps) },
  };

  // Before every route, so the document sees them all.
  await describeRoutes(app);
  await app.register(openapiRoutes);
  await app.register(portalRoutes, { dir: portalDir });
  await app.register(healthRoutes, { ready: async () => (await core.store.ping(), core.store.isMigrated()) });

  await app.register(metricsRoutes, { ...auth, metrics: metrics ?? new Metrics(() => readBacklog(deps), { processMetrics: false }), token: config.metricsToken });

  await app.register(
    async (api) => {
      api.addHook('onRequest', requireCaller(auth));
      await api.register(pamResources, { deps, mfa: core.mfa, config, accountDomain: config.accountDomain, creationMethod: 'PAM Web API' });
      methodNotAllowed(api, '/pamroles', ['GET']);
      methodNotAllowed(api, '/pamrequests', ['GET', 'POST']);
      methodNotAllowed(api, '/pamrequeststoapprove', ['GET']);
      methodNotAllowed(api, '/sessioninfo', ['GET']);
      methodNotAllowed(api, '/$metadata', ['GET']);
    },
    { prefix: '/api/pamresources' },
  );

  await app.register(sessionRoutes, {
    prefix: '/api/session',
    ...auth,
    absoluteTimeoutSeconds: config.session.absoluteTimeoutSeconds,
    methods: { passwordSignIn: config.passwordSignIn, oidc: signIn.oidc?.displayName ?? null },
  });
  if (signIn.oidc) {
    await app.register(oidcRoutes, {
      prefix: '/api/session/oidc',
      oidc: signIn.oidc,
      sessions: core.sessions,
      secrets: deps.secrets,
      clock: deps.clock,
      absoluteTimeoutSeconds: config.session.absoluteTimeoutSeconds,
      redirectUri: config.oidc?.redirectUri ?? null,
    });
  }

  await app.register(
    async (mfa) => {
      mfa.addHook('onRequest', requireCaller(auth));
      await mfa.register(mfaRoutes, { deps, mfa: core.mfa, config });
    },
    { prefix: '/api/mfa' },
  );

  await app.register(
    async (admin) => {
      admin.addHook('onRequest', requireCaller(auth));
      await admin.register(adminRoutes, { deps, hasher: core.hasher, mfa: core.mfa });
      await admin.register(userTokenRoutes, { deps });
    },
    { prefix: '/api/admin' },
  );

  await app.register(
    async (me) => {
      me.addHook('onRequest', requireCaller(auth));
      const n = config.notifications;
      const notify = { email: n.email !== undefined, slackChannel: n.slack?.channel ?? null, teams: n.teams !== undefined, expiryWarningMinutes: n.expiryWarningMinutes };
      await me.register(meRoutes, { deps, mfa: core.mfa, notify });
      await me.register(myTokenRoutes, { deps });
    },
    { prefix: '/api/me' },
  );

  // Slack signs its calls instead of signing in: no caller hook here, the route checks the signature.
  if (core.slack) await app.register(slackRoutes, { prefix: '/api/slack', deps, mfa: core.mfa, slack: core.slack, portalUrl: config.portalUrl });

  return app;
}
