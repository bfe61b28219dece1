import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readAudit } from '../../app/admin/audit.js';
import { listHoldings } from '../../app/admin/holdings.js';
import { listBreakGlassUses, listUnreviewedBreakGlass } from '../../app/break-glass.js';
import { changeGroupMembers } from '../../app/admin/group-members.js';
import { groupMembers, listGroupsPage, removeGroup, upsertGroup } from '../../app/admin/groups.js';
import { searchText } from '../../app/admin/name-search.js';
import { requestTimeline } from '../../app/admin/request-timeline.js';
import { readDashboard } from '../../app/admin/dashboard.js';
import { type AdminListQuery, pageRequestOf } from './admin-list-query.js';
import { requireAdmin } from '../../app/admin/require-admin.js';
import { listRolesPage, removeRole, showRole, upsertRole } from '../../app/admin/roles.js';
import { listUsersPage, removeUser, showUser, upsertUser } from '../../app/admin/users.js';
import type { Deps } from '../../app/deps.js';
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
import { ADMIN_ROUTES as s } from './admin-schemas.js';
import { policyRoutes } from './admin-policy.js';

export interface AdminOptions {
  readonly deps: Deps;
  readonly hasher: PasswordHasher;
  readonly mfa: MfaKit;
  /** Wakes the scheduler and outbox worker after a change that queued directory work. */
}

/** Elevate's own administration API (not part of MIM): users, groups, roles, audit. Admins only. */
export async function adminRoutes(root: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { deps, hasher } = opts;
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Checked here as well as in every use case: nothing under /api/admin answers a non-admin, nor
  // tells them what is wrong with their input (so before the schemas validate it).
  app.addHook('preValidation', async (req) => requireAdmin(req.caller!));

  app.get('/users', { schema: s.listUsers }, async (req) => {
    const q = req.query;
    const page = await listUsersPage(deps, req.caller!, searchText(q.search), pageRequestOf(q));
    return { ...page, value: page.value.map(userToWire) };
  });
  app.post('/users', { schema: s.createUser }, async (req, reply) => reply.code(201).send((await upsertUser(deps, hasher, req.caller!, req.body, 'create')).account));
  app.get('/users/:name', { schema: s.showUser }, async (req) => userToWire(await showUser(deps, req.caller!, req.params.name)));
  app.patch('/users/:name', { schema: s.updateUser }, async (req) => (await upsertUser(deps, hasher, req.caller!, { ...req.body, login: req.params.name }, 'update')).account);
  app.delete('/users/:name', { schema: s.removeUser }, async (req, reply) => {
    await removeUser(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });

  // An administrator's lock: ends everything the person holds and refuses sign-in until lifted.
  app.post('/users/:name/lock', { schema: s.lockUser }, async (req) => {
    const until = req.body.until == null ? null : parseWireDateTime(req.body.until);
    return lockUser(deps, req.caller!, req.params.name, req.body.reason, until);
  });
  app.post('/users/:name/unlock', { schema: s.unlockUser }, async (req) => unlockUser(deps, req.caller!, req.params.name));

  // Take access away now: one request (any state), or everything of a role and/or a person.
  app.post('/requests/:id/revoke', { schema: s.revokeRequest }, async (req) => revokeRequest(deps, req.caller!, req.params.id, req.body.reason));
  app.post('/revoke', { schema: s.revokeAll }, async (req) => {
    const { role, user, reason } = req.body;
    return { value: await revokeAll(deps, req.caller!, { role, user }, reason) };
  });

  // A user's factors; provision an authenticator for them (shown once); remove every factor they have
  // (optionally answering an enrolment code to enrol again); issue an enrolment code; lift a lockout.
  app.get('/users/:name/mfa', { schema: s.userFactors }, async (req) => factorsToWire(await mfaFactors(deps, req.caller!, req.params.name)));
  app.post('/users/:name/totp', { schema: s.provisionTotp }, async (req, reply) =>
    reply.code(201).send(await enrolmentToWire(await provisionTotp(deps, opts.mfa, req.caller!, req.params.name))),
  );
  app.delete('/users/:name/mfa', { schema: s.resetMfa }, async (req, reply) => {
    const issued = await resetMfa(deps, req.caller!, req.params.name, { issueCode: req.query.enrolmentCode === 'true' });
    return issued ? reply.code(200).send(enrolmentCodeToWire(issued)) : reply.code(204).send();
  });
  app.post('/users/:name/mfa/enrolment-code', { schema: s.issueEnrolmentCode }, async (req, reply) =>
    reply.code(201).send(enrolmentCodeToWire(await issueEnrolmentCode(deps, req.caller!, req.params.name))),
  );
  app.delete('/users/:name/mfa/lockout', { schema: s.liftMfaLockout }, async (req, reply) => {
    await liftMfaLockout(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });

  app.get('/groups', { schema: s.listGroups }, async (req) => listGroupsPage(deps, req.caller!, searchText(req.query.search), pageRequestOf(req.query)));
  app.post('/groups', { schema: s.createGroup }, async (req, reply) => reply.code(201).send((await upsertGroup(deps, req.caller!, req.body, 'create')).group));
  app.get('/groups/:name', { schema: s.showGroup }, async (req) => (await groupMembers(deps, req.caller!, req.params.name)).group);
  app.patch('/groups/:name', { schema: s.updateGroup }, async (req) => (await upsertGroup(deps, req.caller!, { ...req.body, name: req.params.name }, 'update')).group);
  app.delete('/groups/:name', { schema: s.removeGroup }, async (req, reply) => {
    await removeGroup(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });
  // Who holds the group right now, for other systems to ask (and beside it, who should).
  app.get('/groups/:name/members', { schema: s.groupMembers }, async (req) => {
    const { group, grantedBy, members } = await groupMembers(deps, req.caller!, req.params.name);
    return { group: group.name, directory: group.directory, kind: grantedBy.length > 0 ? ('granted' as const) : ('standing' as const), grantedBy, value: members };
  });
  // Standing members of an embedded group no role grants (docs/administration.md): replace, add, remove one.
  app.put('/groups/:name/members', { schema: s.setGroupMembers }, async (req) => changeGroupMembers(deps, req.caller!, req.params.name, { set: req.body.members }));
  app.post('/groups/:name/members', { schema: s.addGroupMembers }, async (req) => changeGroupMembers(deps, req.caller!, req.params.name, { add: req.body.members }));
  app.delete('/groups/:name/members/:login', { schema: s.removeGroupMember }, async (req) =>
    changeGroupMembers(deps, req.caller!, req.params.name, { remove: [req.params.login] }),
  );

  app.get('/roles', { schema: s.listRoles }, async (req) => {
    return listRolesPage(deps, req.caller!, searchText(req.query.search), pageRequestOf(req.query));
  });
  app.post('/roles', { schema: s.createRole }, async (req, reply) => reply.code(201).send((await upsertRole(deps, req.caller!, req.body, 'create')).role));
  app.get('/roles/:name', { schema: s.showRole }, async (req) => showRole(deps, req.caller!, req.params.name));
  app.patch('/roles/:name', { schema: s.updateRole }, async (req) => (await upsertRole(deps, req.caller!, { ...req.body, name: req.params.name }, 'update')).role);
  app.delete('/roles/:name', { schema: s.removeRole }, async (req, reply) => {
    await removeRole(deps, req.caller!, req.params.name);
    return reply.code(204).send();
  });

  policyRoutes(app, deps, hasher);

  // The admin console: one request with everything that happened to it, and the landing dashboard.
  app.get('/requests/:id/timeline', { schema: s.requestTimeline }, async (req) => requestTimeline(deps, req.caller!, req.params.id));
  app.get('/dashboard', { schema: s.dashboard }, async (req) => readDashboard(deps, req.caller!));

  // Who holds which role right now, across all roles (the portal's "Active now" page).
  app.get('/holdings', { schema: s.listHoldings }, async (req) => {
    return listHoldings(deps, req.caller!, searchText(req.query.search), pageRequestOf(req.query));
  });

  // Break-glass uses no approver has reviewed yet, newest first (docs/approvals.md); all=true:
  // every use with its review (the portal's banner and its page of uses).
  app.get('/break-glass', { schema: s.listBreakGlass }, async (req) => ({
    value: req.query.all === 'true' ? await listBreakGlassUses(deps, req.caller!) : (await listUnreviewedBreakGlass(deps, req.caller!)).map((u) => ({ ...u, review: null })),
  }));

  app.get('/audit', { schema: s.readAudit }, async (req) => {
    const q = req.query;
    const value = await readAudit(deps, req.caller!, {
      requestId: q.requestId,
      actorId: q.actorId,
      action: q.action,
      since: q.since === undefined ? undefined : parseWireDateTime(q.since),
      until: q.until === undefined ? undefined : parseWireDateTime(q.until),
      beforeSeq: q.before,
      limit: q.limit,
    });
    // Oldest first as always; `nextBefore` pages back to older entries when this page is full.
    return { value, nextBefore: value.length === q.limit ? value[0]!.seq : null };
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
    ['/groups/:name/members', ['GET', 'PUT', 'POST']],
    ['/groups/:name/members/:login', ['DELETE']],
    ['/roles', ['GET', 'POST']],
    ['/roles/:name', ['GET', 'PATCH', 'DELETE']],
    ['/holdings', ['GET']],
    ['/break-glass', ['GET']],
    ['/requests/:id/timeline', ['GET']],
    ['/dashboard', ['GET']],
    ['/audit', ['GET']],
  ] as const) {
    methodNotAllowed(app, url, methods);
  }
}
