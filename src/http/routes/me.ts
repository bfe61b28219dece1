import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approvalPath, approvalProgress as approvalProgressWire } from '../../wire/approvals.js';
import { wireEnding } from '../../wire/mim.js';
import { valueList } from '../../wire/odata.js';
import { answers, routeSchema } from '../plugins/zod-schemas.js';
import type { Deps } from '../../app/deps.js';
import { approvalPathForRole, approvalProgress } from '../../app/approval-path.js';
import { listMyEndings } from '../../app/list-for-caller.js';
import { DomainError } from '../../domain/errors.js';
import type { NotifySetup } from '../../app/notify/my-notifications.js';
import { myNotificationRoutes } from './me-notifications.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { requireGuid } from '../odata/request-params.js';
import { endingToWire } from '../odata/wire-shapes.js';

export interface MeOptions {
  readonly deps: Deps;
  /** What notifications the configuration turns on; absent: none. */
  readonly notify?: NotifySetup;
}

const NO_NOTIFY: NotifySetup = { email: false, slackChannel: null, teams: false, expiryWarningMinutes: 0 };

/**
 * Elevate's extensions about the caller's own requests, beside the frozen MIM shapes: joined to
 * `pamrequests` by RequestId (docs/revoke-api.md).
 */
const ME_ROUTES = {
  endings: routeSchema({
    tags: ['me'],
    summary: 'Why my requests ended (joined to pamrequests by RequestId)',
    querystring: z.object({ ids: z.string().optional().meta({ description: 'RequestIds, comma-separated (at most 200 are read).' }) }),
    response: answers({ 200: valueList(wireEnding) }),
  }),
  approvalPath: routeSchema({ tags: ['me'], summary: 'Who may approve a role I may request', params: z.object({ roleId: z.string() }), response: answers({ 200: approvalPath }) }),
  approvalProgress: routeSchema({ tags: ['me'], summary: "A request's way along its approval path", params: z.object({ requestId: z.string() }), response: answers({ 200: approvalProgressWire }) }),
};

export async function meRoutes(root: FastifyInstance, opts: MeOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Why requests ended: GET /api/me/endings?ids=<RequestId>,<RequestId>,…
  app.get('/endings', { schema: ME_ROUTES.endings }, async (req) => {
    const ids = (req.query.ids ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    return { value: (await listMyEndings(opts.deps, req.caller!, ids)).map(endingToWire) };
  });
  methodNotAllowed(app, '/endings', ['GET']);

  // Who may approve, before asking (a role the caller may request) and after (docs/approvals.md).
  app.get('/roles/:roleId/approval-path', { schema: ME_ROUTES.approvalPath }, async (req) =>
    approvalPathForRole(opts.deps, req.caller!, requireGuid('The role id', req.params.roleId)),
  );
  methodNotAllowed(app, '/roles/:roleId/approval-path', ['GET']);
  app.get('/requests/:requestId/approval', { schema: ME_ROUTES.approvalProgress }, async (req) =>
    approvalProgress(opts.deps, req.caller!, requireGuid('The request id', req.params.requestId)),
  );
  methodNotAllowed(app, '/requests/:requestId/approval', ['GET']);

  myNotificationRoutes(app, opts.deps, opts.notify ?? NO_NOTIFY);
}
