import type { FastifyReply, FastifyRequest } from 'fastify';
import { odataError } from '../odata/error-map.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Browsers replay Basic credentials and cookies on cross-site form posts, which CORS does not stop.
 * A state change whose Origin is neither this server nor an allowed portal is refused outright.
 */
export function originGuard(allowed: readonly string[]) {
  const allow = new Set(allowed);
  return async function (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    if (!UNSAFE.has(req.method)) return;
    const origin = req.headers.origin;
    if (origin === undefined) return; // not a browser cross-origin call (curl, scripts, same-origin GET forms)
    if (origin === `${req.protocol}://${req.host}` || allow.has(origin)) return;
    return reply.code(403).send(odataError('Forbidden', `Requests from origin ${origin} are not allowed; add it with --cors-origin if it is a trusted portal.`));
  };
}
