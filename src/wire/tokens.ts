import { z } from 'zod';

/** An API token as listed: never its secret. */
export const apiToken = z
  .object({ name: z.string(), login: z.string(), scopes: z.array(z.string()).readonly(), createdAt: z.string().nullable(), expiresAt: z.string().nullable(), lastUsedAt: z.string().nullable() })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiToken>;

/** The one answer that carries the token itself (shown once). */
export const createdApiToken = apiToken.extend({ token: z.string() }).meta({ id: 'CreatedApiToken' });
