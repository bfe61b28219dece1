import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { requireAdmin } from '../../app/admin/require-admin.js';
import { type TokenView, createApiToken, listApiTokens, revokeApiToken, revokeCurrentToken } from '../../app/api-tokens.js';
import type { Deps } from '../../app/deps.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { TOKEN_ROUTES as s, type tokenBody } from './tokens-schemas.js';

export interface TokenRoutesOptions {
  readonly deps: Deps;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const tokenToWire = (t: TokenView) => ({ name: t.name, login: t.login, scopes: t.scopes, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: iso(t.lastUsedAt) });

function create(deps: Deps, b: z.output<typeof tokenBody>, caller: Parameters<typeof createApiToken>[1], login?: string) {
  return createApiToken(deps, caller, { name: b.name, scopes: b.scopes, lifetimeMs: b.expiresInSeconds === undefined ? undefined : b.expiresInSeconds * 1000 }, login);
}

/** The caller's own tokens, under /api/me/tokens (docs/token-api.md). */
export async function myTokenRoutes(root: FastifyInstance, { deps }: TokenRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/tokens', { schema: s.listMine }, async (req) => ({ value: (await listApiTokens(deps, req.caller!)).map(tokenToWire) }));
  app.post('/tokens', { schema: s.createMine }, async (req, reply) => {
    const { token, info } = await create(deps, req.body, req.caller!);
    return reply.code(201).send({ token, ...tokenToWire(info) });
  });
  app.delete('/tokens/current', { schema: s.revokeCurrent }, async (req, reply) => {
    await revokeCurrentToken(deps, req.caller!);
    return reply.code(204).send();
  });
  app.delete('/tokens/:token', { schema: s.revokeMine }, async (req, reply) => {
    await revokeApiToken(deps, req.caller!, req.params.token);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/tokens', ['GET', 'POST']);
}

/** Anyone's tokens, for administrators: /api/admin/users/:name/tokens (service accounts' among them). */
export async function userTokenRoutes(root: FastifyInstance, { deps }: TokenRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Before the schemas read the input: a non-admin learns nothing about it.
  app.addHook('preValidation', async (req) => requireAdmin(req.caller!));
  app.get('/users/:name/tokens', { schema: s.listUsers }, async (req) => ({ value: (await listApiTokens(deps, req.caller!, req.params.name)).map(tokenToWire) }));
  app.post('/users/:name/tokens', { schema: s.createUsers }, async (req, reply) => {
    const { token, info } = await create(deps, req.body, req.caller!, req.params.name);
    return reply.code(201).send({ token, ...tokenToWire(info) });
  });
  app.delete('/users/:name/tokens/:token', { schema: s.revokeUsers }, async (req, reply) => {
    await revokeApiToken(deps, req.caller!, req.params.token, req.params.name);
    return reply.code(204).send();
  });
  methodNotAllowed(app, '/users/:name/tokens', ['GET', 'POST']);
}
