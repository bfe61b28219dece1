import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { closeRequestUseCase } from '../../app/close-request.js';
import { createRequestUseCase } from '../../app/create-request.js';
import { decideApprovalUseCase } from '../../app/decide-approval.js';
import type { Deps } from '../../app/deps.js';
import type { MfaKit } from '../../app/mfa/mfa-kit.js';
import { approvalPasskeyOptions } from '../../app/mfa/step-up.js';
import { requestPasskeyOptions, verifyMfaUseCase } from '../../app/mfa/verify-mfa.js';
import type { Config } from '../../config/schema.js';
import { listMyApprovals, listMyRequests, listMyRoles } from '../../app/list-for-caller.js';
import { DomainError } from '../../domain/errors.js';
import { collection, element } from '../odata/envelope.js';
import { odataError } from '../odata/error-map.js';
import { parseListQuery } from '../odata/list-query.js';
import { METADATA_XML } from '../odata/metadata.js';
import { optionalText, parseEntityKey, readParams, requireGuid, requireSeconds } from '../odata/request-params.js';
import { APPROVAL_PROPERTIES, REQUEST_PROPERTIES, ROLE_PROPERTIES } from '../odata/resource-properties.js';
import { parseRequestedTime } from '../odata/wire-time.js';
import { roleCollectionJson } from '../odata/role-listing-json.js';
import { approvalToWire, requestToWire } from '../odata/wire-shapes.js';
import { relyingParty } from '../webauthn-rp.js';
import { passkeyProof, totpProof } from './mfa-proof.js';
import { PAM_ROUTES as s } from './pam-resources-schemas.js';

export interface PamResourcesOptions {
  readonly deps: Deps;
  readonly mfa: MfaKit;
  readonly config: Config;
  readonly accountDomain: string;
  readonly creationMethod: string;
  /** Called after a change that may have created near-term due work. */
}

const SUPPORTED_VERSIONS = ['1'];

/** MIM's `v` parameter: absent means the newest version; any other version is a client error. */
function checkVersion(req: FastifyRequest): void {
  const v = (req.query as Record<string, unknown> | undefined)?.v;
  if (v === undefined) return;
  if (typeof v !== 'string' || !SUPPORTED_VERSIONS.includes(v.trim())) {
    throw new DomainError('BadRequest', `API version '${String(v)}' is not supported; this server supports v=${SUPPORTED_VERSIONS.join(', ')}.`);
  }
}

/** The actions on an entity key, by set (lower case: names match without regard to case, as IIS did). */
const ACTIONS: Readonly<Record<'pamrequests' | 'pamrequeststoapprove', readonly string[]>> = {
  pamrequests: ['close', 'verifymfa', 'passkeyoptions', 'verifypasskey'],
  pamrequeststoapprove: ['approve', 'reject', 'passkeyoptions'],
};

function isKnownAction(keySegment: string, action: string): boolean {
  const set = /^(pamrequests|pamrequeststoapprove)\(/i.exec(keySegment)?.[1]?.toLowerCase() as keyof typeof ACTIONS | undefined;
  return set !== undefined && ACTIONS[set].includes(action.toLowerCase());
}

function noSuchAction(key: string, action: string): DomainError {
  return new DomainError(
    'NotFound',
    `There is no action '${action}' on '${key}'. Actions: pamrequests(guid'…')/Close, /VerifyMFA, /PasskeyOptions or /VerifyPasskey; ` +
      `pamrequeststoapprove(guid'…')/Approve, /Reject or /PasskeyOptions.`,
  );
}

/** Close, Approve and Reject answer 200 with an empty body that is not typed JSON (jQuery would fail to parse it). */
function emptyOk(reply: FastifyReply): FastifyReply {
  return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send('');
}

/** The eight MIM PAM operations and `$metadata`, under /api/pamresources. */
export async function pamResources(app: FastifyInstance, opts: PamResourcesOptions): Promise<void> {
  const { deps } = opts;
  const caller = (req: FastifyRequest) => req.caller!;
  app.addHook('preHandler', async (req) => checkVersion(req));

  app.get('/$metadata', { schema: s.metadata }, async (_req, reply) => reply.type('application/xml; charset=utf-8').send(METADATA_XML));

  app.get('/pamroles', { schema: s.roles }, async (req, reply) => {
    const q = parseListQuery(req.query as Record<string, unknown>, ROLE_PROPERTIES);
    // Sent as text: Fastify leaves a string with a JSON content type as it is (no second stringify).
    return reply.type('application/json; charset=utf-8').send(roleCollectionJson(req, await listMyRoles(deps, caller(req), q)));
  });

  app.get('/pamrequests', { schema: s.requests }, async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, REQUEST_PROPERTIES);
    return collection(req, 'pamrequests', (await listMyRequests(deps, caller(req), q)).map(requestToWire));
  });

  app.post('/pamrequests', { schema: s.createRequest }, async (req, reply) => {
    // TicketId is Elevate's extension beside MIM's parameters (a role may require one).
    const p = readParams(req.query, req.body, ['RoleId', 'RequestedTTL', 'Justification', 'RequestedTime', 'TicketId']);
    const result = await createRequestUseCase(deps, caller(req), {
      roleId: requireGuid('RoleId', p.RoleId),
      ttlSeconds: requireSeconds('RequestedTTL', p.RequestedTTL),
      justification: optionalText('Justification', p.Justification, 4000),
      ticketId: optionalText('TicketId', p.TicketId, 200),
      requestedAt: p.RequestedTime === undefined ? null : parseRequestedTime(p.RequestedTime, deps.policy.serverTimeZone),
      creationMethod: opts.creationMethod,
    });
    // A deactivation (RequestedTTL 0) is a created request too, answered 201 like any other.
    return reply.code(201).send(element(req, 'pamrequests', requestToWire(result.request)));
  });

  app.get('/pamrequeststoapprove', { schema: s.approvals }, async (req) => {
    const q = parseListQuery(req.query as Record<string, unknown>, APPROVAL_PROPERTIES);
    const rows = await listMyApprovals(deps, caller(req), q);
    return collection(req, 'pamrequeststoapprove', rows.map((a) => approvalToWire(a, opts.accountDomain)));
  });

  app.post<{ Params: { key: string; action: string } }>('/:key/:action', { schema: s.action }, async (req, reply) => {
    const key = parseEntityKey(req.params.key);
    const action = req.params.action.toLowerCase();
    if (key?.set === 'pamrequests' && action === 'close') {
      await closeRequestUseCase(deps, caller(req), key.id);
      return emptyOk(reply);
    }
    // Extensions (docs/mfa-api.md): the MFA challenge MIM delegated to a phone call, answered
    // with a TOTP code or a passkey, and the passkey options for it.
    if (key?.set === 'pamrequests' && (action === 'verifymfa' || action === 'verifypasskey')) {
      const proof = action === 'verifymfa' ? totpProof(req) : passkeyProof(req, opts.config);
      if (!proof) throw new DomainError('BadRequest', action === 'verifymfa' ? 'Code is required: the 6-digit code from your authenticator.' : 'Passkey is required: the AuthenticationResponseJSON for the options from PasskeyOptions.');
      const r = await verifyMfaUseCase(deps, opts.mfa, caller(req), key.id, proof);
      return reply.code(200).send(element(req, 'pamrequests', requestToWire(r)));
    }
    if (key && action === 'passkeyoptions') {
      const rp = relyingParty(req, opts.config);
      return key.set === 'pamrequests'
        ? requestPasskeyOptions(deps, opts.mfa, caller(req), key.id, rp)
        : approvalPasskeyOptions(deps, opts.mfa, caller(req), key.id, rp);
    }
    if (key?.set === 'pamrequeststoapprove' && (action === 'approve' || action === 'reject')) {
      const p = readParams(req.query, req.body, ['Comment']);
      // The approver's step-up, for roles that ask for one: Code or Passkey beside Comment.
      const proof = action === 'approve' ? (passkeyProof(req, opts.config) ?? totpProof(req)) : null;
      await decideApprovalUseCase(deps, opts.mfa, caller(req), key.id, action === 'approve' ? 'approve' : 'reject', optionalText('Comment', p.Comment, 4000), proof);
      return emptyOk(reply);
    }
    throw noSuchAction(req.params.key, req.params.action);
  });

  // Actions take POST only. A known action asked with another method is 405; an unknown one is 404
  // whatever the method, so a client learns that the action does not exist rather than to retry with POST.
  app.route<{ Params: { key: string; action: string } }>({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/:key/:action',
    // Not an operation: 405 for known actions, 404 for others.
    schema: { hide: true },
    handler: async (req, reply) => {
      if (!isKnownAction(req.params.key, req.params.action)) throw noSuchAction(req.params.key, req.params.action);
      return reply
        .code(405)
        .header('allow', 'POST')
        .send(odataError('MethodNotAllowed', `${req.method} is not allowed on ${req.params.action}; use POST.`));
    },
  });

  // The sample portal calls it with and without a trailing slash; the router ignores trailing slashes.
  app.get('/sessioninfo', { schema: s.sessionInfo }, async (req) => collection(req, 'sessioninfo', [{ Username: `${opts.accountDomain}\\${caller(req).login}` }]));
}
