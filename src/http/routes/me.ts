import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { listMyEndings } from '../../app/list-for-caller.js';
import { DomainError } from '../../domain/errors.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { endingToWire } from '../odata/wire-shapes.js';

export interface MeOptions {
  readonly deps: Deps;
}

/**
 * Elevate's extensions about the caller's own requests, beside the frozen MIM shapes: joined to
 * `pamrequests` by RequestId (docs/revoke-api.md).
 */
export async function meRoutes(app: FastifyInstance, opts: MeOptions): Promise<void> {
  // Why requests ended: GET /api/me/endings?ids=<RequestId>,<RequestId>,…
  app.get<{ Querystring: Record<string, unknown> }>('/endings', async (req) => {
    const raw = req.query.ids;
    if (raw !== undefined && typeof raw !== 'string') throw new DomainError('BadRequest', 'ids is given more than once; send one comma-separated list.');
    const ids = (raw ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    return { value: (await listMyEndings(opts.deps, req.caller!, ids)).map(endingToWire) };
  });
  methodNotAllowed(app, '/endings', ['GET']);
}
