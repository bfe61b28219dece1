import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../app/deps.js';
import { odataError } from '../odata/error-map.js';
import { tokenNeedFor } from './token-scopes.js';

/** How the HTTP layer reaches API tokens (app/api-tokens.ts). */
export interface BearerTokens {
  /** The caller behind a token, or null: unknown, expired, revoked, or its account may not act. */
  resolve(token: string): Promise<Caller | null>;
  /** Audits, under the token's name, that it was presented for a call that may change something. */
  recordUse(caller: Caller, what: { method: string; route: string }): Promise<void>;
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
  // Recorded before the call runs, in a commit of its own: if the record cannot be written the call
  // is refused before it changes anything, so a change is never answered as failed after it was
  // made (a client would retry it). What changed is audited by the use case, under the account.
  if (UNSAFE.has(req.method)) await tokens.recordUse(caller, { method: req.method, route: req.url.split('?')[0]!.slice(0, 300) });
  req.caller = caller;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
