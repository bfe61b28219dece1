import type { FastifyInstance, HTTPMethods } from 'fastify';
import { odataError } from '../odata/error-map.js';

const ALL: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Answers 405 with an Allow header for methods a known path does not take, instead of a bare 404. */
export function methodNotAllowed(app: FastifyInstance, url: string, allowed: readonly HTTPMethods[]): void {
  const others = ALL.filter((m) => !allowed.includes(m) && !(m === 'GET' && allowed.includes('HEAD')));
  if (others.length === 0) return;
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ');
  app.route({
    method: others,
    url,
    // Not an operation: the OpenAPI document lists what the path takes.
    schema: { hide: true },
    handler: async (req, reply) =>
      reply
        .code(405)
        .header('allow', allow)
        .send(odataError('MethodNotAllowed', `${req.method} is not allowed on ${req.routeOptions.url ?? url}; use ${allow}.`)),
  });
}
