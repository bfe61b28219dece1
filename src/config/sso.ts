import { z } from 'zod';

const name = z.string().min(1).max(256);

/**
 * OpenID Connect single sign-on for the portal (authorization code flow with PKCE). The client
 * secret is read from a file at start, so it never sits in the config file or the environment.
 */
export const oidcConfig = z
  .object({
    /** The provider's issuer URL; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
    issuer: z.string().url(),
    clientId: name,
    /** A file holding the client secret (surrounding whitespace is ignored). Unset: a public client (PKCE only). */
    clientSecretFile: z.string().min(1).optional(),
    /** What the sign-in button says: "Sign in with <displayName>". */
    displayName: z.string().min(1).max(64).default('single sign-on'),
    /** The ID token claim that holds the Elevate login. */
    loginClaim: name.default('preferred_username'),
    /** The ID token claim that holds the person's groups (an array of strings). */
    groupsClaim: name.default('groups'),
    /** Members of any of these groups are administrators; the others are not. Empty: sign-in leaves isAdmin alone. */
    adminGroups: z.array(name).default([]),
    /** Create an account on a person's first sign-in; otherwise only existing accounts may sign in. */
    createAccounts: z.boolean().default(false),
    /** Scopes asked for; the login and groups claims must reach the ID token. */
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/)).default(['openid', 'profile', 'email']),
    /** The redirect URI registered at the provider; unset: this server's own origin + /api/session/oidc/callback. */
    redirectUri: z.string().url().optional(),
  })
  .strict()
  .refine((o) => o.scopes.includes('openid'), { path: ['scopes'], message: "must include 'openid'" })
  .refine((o) => /^https:/i.test(o.issuer) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(o.issuer), {
    path: ['issuer'],
    message: 'must be an https:// URL (plain http only on loopback, for tests)',
  });

/** Kerberos (HTTP Negotiate) on the API, as MIM's IIS accepted Windows integrated authentication. */
export const kerberosConfig = z
  .object({
    /** The keytab holding the service's keys (HTTP/<host>@REALM); the process must be able to read it. */
    keytab: z.string().min(1),
    /** The service name in GSS form, `HTTP@<host clients put in the URL>`. */
    service: z.string().regex(/^HTTP@[A-Za-z0-9.-]+$/, 'must be HTTP@<host name>, the host clients use in URLs'),
    /** Only principals of this realm sign in; `jen@REALM` is the account `jen`. Compared exactly. */
    realm: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/),
  })
  .strict();
