import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../app/deps.js';
import { approvalPathForRole, approvalProgress } from '../../app/approval-path.js';
import { listBreakGlassToReview, reviewBreakGlass } from '../../app/break-glass.js';
import { listMyDecisions } from '../../app/decisions.js';
import { decisionsQuery } from './decisions-schemas.js';
import { breakGlassReviewBody } from './break-glass-schemas.js';
import { parseBody } from './admin-schemas.js';
import { listMyEndings } from '../../app/list-for-caller.js';
import { DomainError } from '../../domain/errors.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { requireGuid } from '../odata/request-params.js';
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

  // Who may approve, before asking (a role the caller may request) and after (docs/approvals.md).
  app.get<{ Params: { roleId: string } }>('/roles/:roleId/approval-path', async (req) => approvalPathForRole(opts.deps, req.caller!, requireGuid('The role id', req.params.roleId)));
  methodNotAllowed(app, '/roles/:roleId/approval-path', ['GET']);
  app.get<{ Params: { requestId: string } }>('/requests/:requestId/approval', async (req) => approvalProgress(opts.deps, req.caller!, requireGuid('The request id', req.params.requestId)));
  methodNotAllowed(app, '/requests/:requestId/approval', ['GET']);

  // The caller's own approval decisions, newest first: GET /api/me/decisions?limit=50&skip=0.
  app.get('/decisions', async (req) => ({ value: await listMyDecisions(opts.deps, req.caller!, parseBody(decisionsQuery, req.query)) }));
  methodNotAllowed(app, '/decisions', ['GET']);

  // Break-glass uses the caller reviews as an approver of their role, and the review (docs/approvals.md).
  app.get('/break-glass', async (req) => ({ value: await listBreakGlassToReview(opts.deps, req.caller!) }));
  methodNotAllowed(app, '/break-glass', ['GET']);
  app.post<{ Params: { requestId: string } }>('/break-glass/:requestId/review', async (req, reply) => {
    const body = parseBody(breakGlassReviewBody, req.body);
    return reply.code(201).send(await reviewBreakGlass(opts.deps, req.caller!, requireGuid('The request id', req.params.requestId), body.comment));
  });
  methodNotAllowed(app, '/break-glass/:requestId/review', ['POST']);
}

