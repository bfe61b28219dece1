import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { approvalPath, approvalProgress as approvalProgressWire } from '../../wire/approvals.js';
import { wireEnding } from '../../wire/mim.js';
import { valueList } from '../../wire/odata.js';
import { answers, routeSchema } from '../plugins/zod-schemas.js';
import type { Deps } from '../../app/deps.js';
import type { MfaKit } from '../../app/mfa/mfa-kit.js';
import { approvalPathForRole, approvalProgress } from '../../app/approval-path.js';
import { listBreakGlassToReview, reviewBreakGlass } from '../../app/break-glass.js';
import { listMyDecisions } from '../../app/decisions.js';
import { decisionList, decisionsQuery } from './decisions-schemas.js';
import { breakGlassReview, breakGlassReviewBody, breakGlassUseList } from './break-glass-schemas.js';
import { listMyEndings } from '../../app/list-for-caller.js';
import { DomainError } from '../../domain/errors.js';
import type { NotifySetup } from '../../app/notify/my-notifications.js';
import { myNotificationRoutes } from './me-notifications.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { requireGuid } from '../odata/request-params.js';
import { endingToWire } from '../odata/wire-shapes.js';

export interface MeOptions {
  readonly deps: Deps;
  /** The factor engines a break-glass review's step-up needs (approverMfaRequired). */
  readonly mfa: MfaKit;
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
  decisions: routeSchema({ tags: ['me'], summary: 'My own approval decisions, newest first', querystring: decisionsQuery, response: answers({ 200: decisionList }) }),
  breakGlassToReview: routeSchema({ tags: ['me'], summary: 'Break-glass uses I am to review as an approver of their role', response: answers({ 200: breakGlassUseList }) }),
  reviewBreakGlass: routeSchema({
    tags: ['me'],
    summary: 'Review a break-glass use',
    params: z.object({ requestId: z.string() }),
    body: breakGlassReviewBody,
    response: answers({ 201: breakGlassReview }),
  }),
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

  // The caller's own approval decisions, newest first: GET /api/me/decisions?limit=50&skip=0.
  app.get('/decisions', { schema: ME_ROUTES.decisions }, async (req) => ({ value: await listMyDecisions(opts.deps, req.caller!, req.query) }));
  methodNotAllowed(app, '/decisions', ['GET']);

  // Break-glass uses the caller reviews as an approver of their role, and the review (docs/approvals.md).
  app.get('/break-glass', { schema: ME_ROUTES.breakGlassToReview }, async (req) => ({ value: await listBreakGlassToReview(opts.deps, req.caller!) }));
  methodNotAllowed(app, '/break-glass', ['GET']);
  app.post('/break-glass/:requestId/review', { schema: ME_ROUTES.reviewBreakGlass }, async (req, reply) =>
    reply
      .code(201)
      .send(
        await reviewBreakGlass(opts.deps, opts.mfa, req.caller!, requireGuid('The request id', req.params.requestId), req.body.comment, req.body.code === undefined ? null : { kind: 'totp', code: req.body.code }),
      ),
  );
  methodNotAllowed(app, '/break-glass/:requestId/review', ['POST']);

  myNotificationRoutes(app, opts.deps, opts.notify ?? NO_NOTIFY);
}
