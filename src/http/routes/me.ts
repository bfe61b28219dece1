import type { FastifyInstance } from 'fastify';
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

  myNotificationRoutes(app, opts.deps, opts.notify ?? NO_NOTIFY);
}

