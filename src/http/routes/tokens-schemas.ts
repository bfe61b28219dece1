import { z } from 'zod';
import { valueList } from '../../wire/odata.js';
import { apiToken, createdApiToken } from '../../wire/tokens.js';
import { answers, noContent, routeSchema } from '../plugins/zod-schemas.js';

export const tokenBody = z
  .object({
    name: z.string().max(64),
    /** A list, or one comma-separated string as the CLI's --scope takes it. */
    scopes: z.union([z.array(z.string().max(32)).max(8), z.string().max(200).transform((s) => s.split(','))]).meta({ description: 'read, request, approve, admin: a list or one comma-separated string.' }),
    // A number in JSON, a string in a form post (the CLI sends forms).
    expiresInSeconds: z.coerce.number<string | number>().int().positive().max(366 * 86_400).optional(),
  })
  .strict();

const byName = z.object({ name: z.string() });

/** The token routes under /api/me and /api/admin/users/:name (docs/token-api.md). */
export const TOKEN_ROUTES = {
  listMine: routeSchema({ tags: ['me'], summary: 'My API tokens', response: answers({ 200: valueList(apiToken) }) }),
  createMine: routeSchema({ tags: ['me'], summary: 'Create an API token for myself (shown once)', body: tokenBody, response: answers({ 201: createdApiToken }) }),
  revokeCurrent: routeSchema({ tags: ['me'], summary: 'Revoke the token this call is made with (logout)', response: answers({ 204: noContent }) }),
  revokeMine: routeSchema({ tags: ['me'], summary: 'Revoke one of my tokens', params: z.object({ token: z.string().meta({ description: 'The token’s name.' }) }), response: answers({ 204: noContent }) }),
  listUsers: routeSchema({ tags: ['admin'], summary: "A user's API tokens", params: byName, response: answers({ 200: valueList(apiToken) }) }),
  createUsers: routeSchema({ tags: ['admin'], summary: 'Create an API token for a user or service account (shown once)', params: byName, body: tokenBody, response: answers({ 201: createdApiToken }) }),
  revokeUsers: routeSchema({ tags: ['admin'], summary: "Revoke a user's token", params: z.object({ name: z.string(), token: z.string() }), response: answers({ 204: noContent }) }),
};
