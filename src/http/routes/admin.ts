import type { FastifyInstance } from 'fastify';
import { readAudit } from '../../app/admin/audit.js';
import { listHoldings } from '../../app/admin/holdings.js';
import { groupMembers, listGroups, removeGroup, upsertGroup } from '../../app/admin/groups.js';
import { matchesSearch } from '../../app/admin/name-search.js';
import { pageOf } from '../../app/admin/paging.js';
import { requestTimeline } from '../../app/admin/request-timeline.js';
import { readDashboard } from '../../app/admin/dashboard.js';
import { parseListQuery } from './admin-list-query.js';
import { requireAdmin } from '../../app/admin/require-admin.js';
import { listRoles, removeRole, showRole, upsertRole } from '../../app/admin/roles.js';
import { listUsers, removeUser, showUser, upsertUser } from '../../app/admin/users.js';
import type { Deps } from '../../app/deps.js';
import { DomainError } from '../../domain/errors.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import { provisionTotp, resetMfa } from '../../app/mfa/enrol-totp.js';
import { issueEnrolmentCode } from '../../app/mfa/enrolment-code.js';
import { liftMfaLockout } from '../../app/mfa/lockout.js';
import { mfaFactors } from '../../app/mfa/factors.js';
import type { MfaKit } from '../../app/mfa/mfa-kit.js';
import { enrolmentCodeToWire, enrolmentToWire, factorsToWire, userToWire } from './mfa-wire.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { parseWireDateTime } from '../odata/wire-time.js';
import { lockUser, unlockUser } from '../../app/admin/lock.js';
import { revokeAll, revokeRequest } from '../../app/admin/revoke.js';
import { groupBody, lockBody, parseBody, revokeAllBody, revokeBody, roleBody, userBody } from './admin-schemas.js';

export interface AdminOptions {
  readonly deps: Deps;
  readonly hasher: PasswordHasher;
  readonly mfa: MfaKit;
  /** Wakes the scheduler and outbox worker after a change that queued directory work. */
}

type NameParams = { Params: { name: string } };
type IdParams = { Params: { id: string } };
type SearchQuery = { Querystring: Record<string, unknown> };

/** Elevate's own administration API (not part of MIM): users, groups, roles, audit. Admins only. */
export async function adminRoutes(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { deps, hasher } = opts;
  // Checked here as well as in every use case: nothing under /api/admin answers a non-admin.
  app.addHook('preHandler', async (req) => requireAdmin(req.caller!));

  app.get<SearchQuery>('/users', async (req) => {
    const q = parseListQuery(req.query);
    return pageOf((await listUsers(deps, req.caller!, q.search)).map(userToWire), q.page);
  });
  app.post('/users', async (req, reply) => reply.code(201).send((await upsertUser(deps, hasher, req.caller!, parseBody(userBody, req.body), 'create')).account));
  app.get<NameParams>('/users/:name', async (req) => userToWire(await showUser(deps, req.caller!, req.params.name)));
  app.patch<NameParams>('/users/:name', async (req) => {
    const body = parseBody(userBody.partial(), req.body);
    return (await upsertUser(deps, hasher, req.caller!, { ...body, login: req.params.name }, 'update')).account;
  });
  app.delete<NameParams>('/users/:name', async (req, reply) => {
    await removeUser(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });

  // An administrator's lock: ends everything the person holds and refuses sign-in until lifted.
  app.post<NameParams>('/users/:name/lock', async (req) => {
    const body = parseBody(lockBody, req.body);
    const until = body.until == null ? null : parseWireDateTime(body.until);
    return lockUser(deps, req.caller!, req.params.name, body.reason, until);
  });
  app.post<NameParams>('/users/:name/unlock', async (req) => unlockUser(deps, req.caller!, req.params.name));

  // Take access away now: one request (any state), or everything of a role and/or a person.
  app.post<IdParams>('/requests/:id/revoke', async (req) => {
    const body = parseBody(revokeBody, req.body);
    const r = await revokeRequest(deps, req.caller!, req.params.id, body.reason);
    return r;
  });
  app.post('/revoke', async (req) => {
    const body = parseBody(revokeAllBody, req.body);
    const ended = await revokeAll(deps, req.caller!, { role: body.role, user: body.user }, body.reason);
    return { value: ended };
  });

  // A user's factors; provision an authenticator for them (shown once); remove every factor they have
  // (optionally answering an enrolment code to enrol again); issue an enrolment code; lift a lockout.
  app.get<NameParams>('/users/:name/mfa', async (req) => factorsToWire(await mfaFactors(deps, req.caller!, req.params.name)));
  app.post<NameParams>('/users/:name/totp', async (req, reply) => reply.code(201).send(await enrolmentToWire(await provisionTotp(deps, opts.mfa, req.caller!, req.params.name))));
  app.delete<NameParams & { Querystring: { enrolmentCode?: string } }>('/users/:name/mfa', async (req, reply) => {
    const q = req.query.enrolmentCode;
    if (q !== undefined && q !== 'true' && q !== 'false') throw new DomainError('BadRequest', 'enrolmentCode must be true or false.');
    const issued = await resetMfa(deps, req.caller!, req.params.name, { issueCode: q === 'true' });
    return issued ? reply.code(200).send(enrolmentCodeToWire(issued)) : reply.code(204).send();
  });
  app.post<NameParams>('/users/:name/mfa/enrolment-code', async (req, reply) => reply.code(201).send(enrolmentCodeToWire(await issueEnrolmentCode(deps, req.caller!, req.params.name))));
  app.delete<NameParams>('/users/:name/mfa/lockout', async (req, reply) => {
    await liftMfaLockout(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });

  app.get<SearchQuery>('/groups', async (req) => {
    const q = parseListQuery(req.query);
    return pageOf(await listGroups(deps, req.caller!, q.search), q.page);
  });
  app.post('/groups', async (req, reply) => reply.code(201).send((await upsertGroup(deps, req.caller!, parseBody(groupBody, req.body), 'create')).group));
  app.get<NameParams>('/groups/:name', async (req) => (await groupMembers(deps, req.caller!, req.params.name)).group);
  app.patch<NameParams>('/groups/:name', async (req) => {
    const body = parseBody(groupBody.partial(), req.body);
    return (await upsertGroup(deps, req.caller!, { ...body, name: req.params.name }, 'update')).group;
  });
  app.delete<NameParams>('/groups/:name', async (req, reply) => {
    await removeGroup(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });
  // Who holds the group right now, for other systems to ask (and beside it, who should).
  app.get<NameParams>('/groups/:name/members', async (req) => {
    const { group, members } = await groupMembers(deps, req.caller!, req.params.name);
    return { group: group.name, directory: group.directory, value: members };
  });

  app.get<SearchQuery>('/roles', async (req) => {
    const q = parseListQuery(req.query);
    const roles = (await listRoles(deps, req.caller!)).filter((r) => matchesSearch(q.search, [r.name, r.description]));
    return pageOf(roles, q.page);
  });
  app.post('/roles', async (req, reply) => reply.code(201).send((await upsertRole(deps, req.caller!, parseBody(roleBody, req.body), 'create')).role));
  app.get<NameParams>('/roles/:name', async (req) => showRole(deps, req.caller!, req.params.name));
  app.patch<NameParams>('/roles/:name', async (req) => {
    const body = parseBody(roleBody.partial(), req.body);
    return (await upsertRole(deps, req.caller!, { ...body, name: req.params.name }, 'update')).role;
  });
  app.delete<NameParams>('/roles/:name', async (req, reply) => {
    await removeRole(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });

  // Who holds which role right now, across all roles (the portal's "Active now" page).
  app.get<SearchQuery>('/holdings', async (req) => {
    const q = parseListQuery(req.query);
    const held = (await listHoldings(deps, req.caller!)).filter((h) => matchesSearch(q.search, [h.roleName, h.login, h.displayName]));
    return pageOf(held, q.page);
  });

  // The admin console: one request with everything that happened to it, and the landing dashboard.
  app.get<IdParams>('/requests/:id/timeline', async (req) => requestTimeline(deps, req.caller!, req.params.id));
  app.get('/dashboard', async (req) => readDashboard(deps, req.caller!));

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit', async (req) => {
    const q = req.query;
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw new DomainError('BadRequest', 'limit must be a whole number from 1 to 10000.');
    for (const [k, v] of Object.entries(q)) if (typeof v !== 'string') throw new DomainError('BadRequest', `${k} is given more than once.`);
    const before = q.before === undefined ? undefined : Number(q.before);
    if (before !== undefined && (!/^\d{1,15}$/.test(q.before!) || !Number.isSafeInteger(before))) throw new DomainError('BadRequest', 'before must be the seq of an audit entry (a whole number).');
    const value = await readAudit(deps, req.caller!, {
      requestId: q.requestId,
      actorId: q.actorId,
      action: q.action,
      since: q.since === undefined ? undefined : parseWireDateTime(q.since),
      until: q.until === undefined ? undefined : parseWireDateTime(q.until),
      beforeSeq: before,
      limit,
    });
    // Oldest first as always; `nextBefore` pages back to older entries when this page is full.
    return { value, nextBefore: value.length === limit ? value[0]!.seq : null };
  });

  for (const [url, methods] of [
    ['/users', ['GET', 'POST']],
    ['/users/:name', ['GET', 'PATCH', 'DELETE']],
    ['/users/:name/totp', ['POST']],
    ['/users/:name/mfa', ['GET', 'DELETE']],
    ['/users/:name/lock', ['POST']],
    ['/users/:name/unlock', ['POST']],
    ['/requests/:id/revoke', ['POST']],
    ['/revoke', ['POST']],
    ['/users/:name/mfa/enrolment-code', ['POST']],
    ['/users/:name/mfa/lockout', ['DELETE']],
    ['/groups', ['GET', 'POST']],
    ['/groups/:name', ['GET', 'PATCH', 'DELETE']],
    ['/groups/:name/members', ['GET']],
    ['/roles', ['GET', 'POST']],
    ['/roles/:name', ['GET', 'PATCH', 'DELETE']],
    ['/holdings', ['GET']],
    ['/requests/:id/timeline', ['GET']],
    ['/dashboard', ['GET']],
    ['/audit', ['GET']],
  ] as const) {
    methodNotAllowed(app, url, methods);
  }
}
