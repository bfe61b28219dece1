import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from '../../app/admin/require-admin.js';
import { type TokenView, createApiToken, listApiTokens, revokeApiToken, revokeCurrentToken } from '../../app/api-tokens.js';
import type { Deps } from '../../app/deps.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { parseBody } from './admin-schemas.js';

export interface TokenRoutesOptions {
  readonly deps: Deps;
}

const tokenBody = z
  .object({
    name: z.string().max(64),
    /** A list, or one comma-separated string as the CLI's --scope takes it. */
    scopes: z.union([z.array(z.string().max(32)).max(8), z.string().max(200).transform((s) => s.split(','))]),
    // A number in JSON, a string in a form post (the CLI sends forms).
    expiresInSeconds: z.coerce.number().int().positive().max(366 * 86_400).optional(),
  })
  .strict();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const tokenToWire = (t: TokenView) => ({ name: t.name, login: t.login, scopes: t.scopes, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: iso(t.lastUsedAt) });

function create(deps: Deps, body: unknown, caller: Parameters<typeof createApiToken>[1], login?: string) {
  const b = parseBody(tokenBody, body);
  return createApiToken(deps, caller, { name: b.name, scopes: b.scopes, lifetimeMs: b.expiresInSeconds === undefined ? undefined : b.expiresInSeconds * 1000 }, login);
}

/** The caller's own tokens, under /api/me/tokens (docs/token-api.md). */
export async function myTokenRoutes(app: FastifyInstance, { deps }: TokenRoutesOptions): Promise<void> {
  app.get('/tokens', async (req) => ({ value: (await listApiTokens(deps, req.caller!)).map(tokenToWire) }));
  app.post('/tokens', async (req, reply) => {
    const { token, info } = await create(deps, req.body, req.caller!);
    return reply.code(201).send({ token, ...tokenToWire(info) });
  });
  app.delete('/tokens/current', async (req, reply) => {
    await revokeCurrentToken(deps, req.caller!);
    return reply.code(204).send();
  });
  app.delete<{ Params: { token: string } }>('/tokens/:token', async (req, reply) => {
    await revokeApiToken(deps, req.caller!, req.params.token);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/tokens', ['GET', 'POST']);
}

/** Anyone's tokens, for administrators: /api/admin/users/:name/tokens (service accounts' among them). */
export async function userTokenRoutes(app: FastifyInstance, { deps }: TokenRoutesOptions): Promise<void> {
  app.addHook('preHandler', async (req) => requireAdmin(req.caller!));
  type P = { Params: { name: string } };
  app.get<P>('/users/:name/tokens', async (req) => ({ value: (await listApiTokens(deps, req.caller!, req.params.name)).map(tokenToWire) }));
  app.post<P>('/users/:name/tokens', async (req, reply) => {
    const { token, info } = await create(deps, req.body, req.caller!, req.params.name);
    return reply.code(201).send({ token, ...tokenToWire(info) });
  });
  app.delete<{ Params: { name: string; token: string } }>('/users/:name/tokens/:token', async (req, reply) => {
    await revokeApiToken(deps, req.caller!, req.params.token, req.params.name);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/users/:name/tokens', ['GET', 'POST']);
}
