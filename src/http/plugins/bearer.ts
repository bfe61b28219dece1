import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../app/deps.js';
import { odataError } from '../odata/error-map.js';
import { tokenNeedFor } from './token-scopes.js';

/** How the HTTP layer reaches API tokens (app/api-tokens.ts). */
export interface BearerTokens {
  /** The caller behind a token, or null: unknown, expired, revoked, or its account may not act. */
  resolve(token: string): Promise<Caller | null>;
  /** Audits a change made with a token, under the token's name. */
  recordUse(caller: Caller, what: { method: string; route: string; status: number }): Promise<void>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function isBearer(header: string): boolean {
  return /^Bearer\s/i.test(header);
}

/** The token of an `Authorization: Bearer` header, or null when the header is not one. */
export function bearerToken(header: string | undefined): string | null {
  return BEARER.exec(header ?? '')?.[1] ?? null;
}

/** Both schemes stay on offer: a client whose token failed may still sign in with a password, as before tokens. */
function refuseToken(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', ['Basic realm="Elevate", charset="UTF-8"', 'Bearer realm="Elevate", error="invalid_token"'])
    .send(odataError('Unauthorized', message));
}

/**
 * Resolves the caller from an API token and checks the route's scope (token-scopes.ts): a route
 * that declares none refuses tokens. Tokens are 256-bit random values, so no throttle guards them.
 */
export async function bearerCaller(tokens: BearerTokens, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const token = bearerToken(req.headers.authorization);
  if (token === null) return refuseToken(reply, 'The Authorization header must be `Bearer <token>`.');
  const caller = await tokens.resolve(token);
  if (!caller?.token) return refuseToken(reply, 'The API token is unknown, expired or revoked, or its account is disabled or locked.');
  const need = tokenNeedFor(req);
  const scopes = caller.token.scopes;
  if (need === null) return reply.code(403).send(odataError('Forbidden', 'API tokens cannot be used here; sign in with your password.'));
  if (need !== 'own-token' && !scopes.includes(need)) {
    return reply.code(403).send(odataError('Forbidden', `The token '${caller.token.name}' lacks the ${need} scope this call needs (it has ${scopes.join(', ')}).`));
  }
  req.caller = caller;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An onSend hook: every change made with a token is audited under the token's name before the
 * answer goes out (what changed is audited by the use case itself, under the account).
 */
export function auditTokenChanges(tokens: BearerTokens) {
  return async function (req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const caller = req.caller;
    if (!caller?.token || !UNSAFE.has(req.method) || reply.statusCode >= 400) return;
    await tokens.recordUse(caller, { method: req.method, route: req.url.split('?')[0]!.slice(0, 300), status: reply.statusCode });
  };
}
