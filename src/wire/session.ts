import { z } from 'zod';

/** Who is signed in, and the CSRF token every change from this session must carry (x-csrf-token). */
export const sessionAnswer = z
  .object({ login: z.string(), isAdmin: z.boolean(), csrfToken: z.string().nullable().meta({ description: 'null for callers without a cookie session (Basic, tokens, Negotiate).' }) })
  .meta({ id: 'Session' });
export type SessionAnswer = z.infer<typeof sessionAnswer>;

/** What the sign-in page offers. */
export const signInMethods = z
  .object({ passwordSignIn: z.boolean(), oidc: z.object({ displayName: z.string(), start: z.string() }).nullable() })
  .meta({ id: 'SignInMethods' });
export type SignInMethods = z.infer<typeof signInMethods>;

/** The password sign-in form (JSON or form-encoded). */
export const loginBody = z.object({ login: z.string(), password: z.string() });
