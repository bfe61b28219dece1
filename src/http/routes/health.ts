import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { odataErrorBody } from '../../wire/odata.js';
import { PUBLIC } from '../openapi/security.js';
import { routeSchema } from '../plugins/zod-schemas.js';
import { odataError } from '../odata/error-map.js';

export interface HealthOptions {
  /** Resolves when the store answers and every migration has run; rejects or returns false otherwise. */
  readonly ready: () => Promise<boolean>;
}

/** /healthz: the process is up. /readyz: it can serve (store reachable, schema current). */
export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const probe = (summary: string, ok: string) =>
    routeSchema({ security: PUBLIC, tags: ['operations'], summary, response: { 200: z.object({ status: z.literal(ok) }), 503: odataErrorBody } });
  app.get('/healthz', { schema: probe('The process is up', 'ok') }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: probe('The server can serve: store reachable, schema current', 'ready') }, async (req, reply) => {
    let ok = false;
    try {
      ok = await opts.ready();
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
    }
    if (ok) return { status: 'ready' };
    return reply.code(503).header('retry-after', '5').send(odataError('NotReady', 'The store is unreachable or its migrations have not run.'));
  });
}
