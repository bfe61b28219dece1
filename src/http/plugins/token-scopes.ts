import type { FastifyRequest } from 'fastify';
import type { TokenScope } from '../../domain/token/api-token.js';

/**
 * What an API token needs on each route. Deny by default: a route not listed here, or whose entry
 * answers null, refuses every token (403), whatever its scopes, so a new route is closed to
 * tokens until someone decides what it needs. `own-token` is any valid token acting on itself.
 * Sessions and passwords are not limited by scopes: this table is read only for Bearer tokens.
 */
type Need = TokenScope | 'own-token';
type Rule = Need | ((req: FastifyRequest) => Need | null);

const PAM = '/api/pamresources';

/** POST /:key/:action: a request's own actions need `request`, an approval's need `approve`. */
const entityAction = (req: FastifyRequest): Need | null => {
  const key = (req.params as { key?: string }).key ?? '';
  if (/^pamrequeststoapprove\(/i.test(key)) return 'approve';
  if (/^pamrequests\(/i.test(key)) return 'request';
  return null;
};

const ROUTES: Readonly<Record<string, Rule>> = {
  // The MIM PAM API: wire shapes unchanged, a token stands where Basic credentials did.
  [`GET ${PAM}/$metadata`]: 'read',
  [`GET ${PAM}/sessioninfo`]: 'read',
  [`GET ${PAM}/pamroles`]: 'read',
  [`GET ${PAM}/pamrequests`]: 'read',
  [`GET ${PAM}/pamrequeststoapprove`]: 'read',
  [`POST ${PAM}/pamrequests`]: 'request',
  [`POST ${PAM}/:key/:action`]: entityAction,
  // Elevate's extensions about the caller.
  'GET /api/me/endings': 'read',
  'GET /api/me/tokens': 'read',
  'GET /api/me/notifications': 'read',
  'GET /api/me/decisions': 'read',
  // Who may approve, before and after asking: what `elevate roles` and the portal show.
  'GET /api/me/roles/:roleId/approval-path': 'read',
  'GET /api/me/requests/:requestId/approval': 'read',
  // Break-glass reviews are an approver's work.
  'GET /api/me/break-glass': 'read',
  'POST /api/me/break-glass/:requestId/review': 'approve',
  // `elevate logout`: a token may always end itself, and nothing else about tokens.
  'DELETE /api/me/tokens/current': 'own-token',
  'GET /metrics': 'admin',
};

/** Administration: every route under /api/admin needs the admin scope (and an administrator). */
const PREFIXES: readonly (readonly [string, Rule])[] = [['/api/admin/', 'admin']];

function ruleFor(method: string, url: string): Rule | undefined {
  return ROUTES[`${method === 'HEAD' ? 'GET' : method} ${url}`] ?? PREFIXES.find(([p]) => url.toLowerCase().startsWith(p))?.[1];
}

/** The scope a token needs for this request, or null when tokens may not call it at all. */
export function tokenNeedFor(req: FastifyRequest): Need | null {
  const url = req.routeOptions.url;
  if (url === undefined) return null;
  const rule = ruleFor(req.method, url);
  if (rule === undefined) return null;
  return typeof rule === 'function' ? rule(req) : rule;
}

/** For the OpenAPI document: the scopes a token may carry to call a route (one of them), none when tokens may not. */
export function tokenScopesOf(method: string, url: string): readonly Need[] {
  const rule = ruleFor(method, url);
  if (rule === undefined) return [];
  // The one rule that depends on the request: pamrequests(…) actions need `request`, pamrequeststoapprove(…) ones `approve`.
  return typeof rule === 'function' ? ['request', 'approve'] : [rule];
}
