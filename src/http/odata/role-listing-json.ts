import type { FastifyRequest } from 'fastify';
import type { RoleSummary } from '../../domain/role/role.js';
import { metadataUrl } from './envelope.js';
import { roleToWire } from './wire-shapes.js';

/**
 * The JSON of a role listing's `value`, serialised once per listing. The role listing cache
 * (app/role-listing-cache.ts) hands back the same frozen array for a caller while nothing changed,
 * so keying by that array's identity serialises each caller's listing once per change, and can
 * never answer one caller with another's (each cached entry is its own array). Arrays read fresh
 * (filtered listings) are serialised on their own call and then dropped with the array.
 */
const serialised = new WeakMap<readonly RoleSummary[], string>();

function valueJson(roles: readonly RoleSummary[]): string {
  let json = serialised.get(roles);
  if (json === undefined) {
    json = JSON.stringify(roles.map(roleToWire));
    if (Object.isFrozen(roles)) serialised.set(roles, json);
  }
  return json;
}

/** The pamroles collection as JSON text, byte for byte what `collection(...)` serialises to. */
export function roleCollectionJson(req: FastifyRequest, roles: readonly RoleSummary[]): string {
  return `{"odata.metadata":${JSON.stringify(`${metadataUrl(req)}#pamroles`)},"value":${valueJson(roles)}}`;
}
