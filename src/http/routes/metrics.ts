import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { securityOf } from '../openapi/security.js';
import { answers, routeSchema, textAnswer } from '../plugins/zod-schemas.js';
import { requireAdmin } from '../../app/admin/require-admin.js';
import { looksLikeToken } from '../../domain/token/api-token.js';
import type { Metrics } from '../metrics.js';
import { type AuthOptions, requireCaller } from '../plugins/auth.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { sameSecret } from '../plugins/same-secret.js';
import { odataError } from '../odata/error-map.js';

export interface MetricsRoutesOptions extends AuthOptions {
  readonly metrics: Metrics;
  /** When set, `Authorization: Bearer TOKEN` admits a scraper; otherwise only administrators read metrics. */
  readonly token: string | undefined;
}

/** GET /metrics in Prometheus text format, for a scraper holding the metrics token or an administrator. */
export async function metricsRoutes(app: FastifyInstance, opts: MetricsRoutesOptions): Promise<void> {
  const asCaller = requireCaller(opts);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (bearer && opts.token !== undefined && sameSecret(bearer[1]!, opts.token)) return;
    // An API token (elv_…) with the admin scope reads metrics as its administrator would.
    if (bearer && !looksLikeToken(bearer[1]!)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="Elevate metrics"')
        .send(
          odataError(
            'Unauthorized',
            opts.token !== undefined ? 'The metrics token is wrong.' : 'No metrics token is configured (metricsToken / ELEVATE_METRICS_TOKEN); sign in as an administrator.',
          ),
        );
    }
    await asCaller(req, reply);
    // requireCaller has answered (401, 429) when it found no caller.
    if (reply.sent || !req.caller) return reply;
    requireAdmin(req.caller);
  });
  const schema = routeSchema({
    tags: ['operations'],
    summary: 'Prometheus metrics (text format)',
    // The metrics token, or any administrator's credentials (an API token needs the admin scope).
    security: [{ metricsToken: [] }, ...securityOf('GET', '/metrics')],
    response: answers({ 200: textAnswer('text/plain', 'Prometheus text exposition format.') }),
  });
  app.get('/metrics', { schema }, async (_req, reply) => {
    const text = await opts.metrics.render();
    return reply.header('content-type', opts.metrics.contentType).send(text);
  });
  methodNotAllowed(app, '/metrics', ['GET']);
}
