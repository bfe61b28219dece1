import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applyPolicy, exportPolicy, planPolicy } from '../../app/admin/policy.js';
import type { Deps } from '../../app/deps.js';
import type { PasswordHasher } from '../../ports/password-hasher.js';
import { methodNotAllowed } from '../plugins/method-not-allowed.js';
import { answers, describedOnly, routeSchema } from '../plugins/zod-schemas.js';
import { groupBody, parseBody, roleBody, userBody } from './admin-schemas.js';

/** A declaration as `elevate apply -f` reads it (seconds and objects, as `GET .../export` writes them), plus how to apply it. */
export const policyBody = z.strictObject({
  users: z.array(userBody).max(100_000).optional(),
  groups: z.array(groupBody.extend({ members: z.array(z.string().min(1).max(256)).max(100_000).optional() })).max(10_000).optional(),
  roles: z.array(roleBody).max(10_000).optional(),
  /** Remove the users, groups and roles not declared. */
  prune: z.boolean().optional(),
  /** With prune: disable users who hold or wait for access instead of refusing. */
  force: z.boolean().optional(),
});

const policyKind = z.enum(['user', 'group', 'role']);
const fieldChange = z.object({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() });
/** What plan and apply answer: the steps, field by field, and whether they were carried out. */
export const policyResult = z.object({
  applied: z.boolean(),
  steps: z.array(
    z.object({
      action: z.enum(['create', 'change', 'delete']),
      kind: policyKind,
      name: z.string(),
      changes: z.array(fieldChange),
      /** On a delete: the entries tied to it, which lose that tie (docs/policy.md). */
      takes: z.array(z.object({ kind: policyKind, name: z.string(), relation: z.enum(['candidate', 'approver', 'grants', 'approver-group']) })).optional(),
      /** The open requests the step ends (a user pruned with force). */
      ends: z.array(z.object({ role: z.string(), status: z.string() })).optional(),
    }),
  ),
});

// The body is read by parse() below, which lists the declaration's problems in the API's own words.
const declared = describedOnly(policyBody);
const POLICY_ROUTES = {
  plan: routeSchema({ tags: ['admin'], summary: 'Plan a policy declaration: what apply would change, field by field', body: declared, response: answers({ 200: policyResult }) }),
  apply: routeSchema({ tags: ['admin'], summary: 'Apply a policy declaration, all or nothing', body: declared, response: answers({ 200: policyResult }) }),
  export: routeSchema({ tags: ['admin'], summary: 'Export users, groups and roles as a declaration that round-trips', response: answers({ 200: policyBody.omit({ prune: true, force: true }) }) }),
};

/** Policy as code for tools (docs/policy.md): plan, apply (all or nothing) and export. Admins only (adminRoutes' hook). */
export function policyRoutes(app: FastifyInstance, deps: Deps, hasher: PasswordHasher): void {
  const parse = (body: unknown) => {
    const { prune, force, ...decl } = parseBody(policyBody, body);
    return { decl, opts: { prune, force } };
  };
  app.post('/policy/plan', { schema: POLICY_ROUTES.plan }, async (req) => {
    const { decl, opts } = parse(req.body);
    return planPolicy(deps, hasher, req.caller!, decl, opts);
  });
  app.post('/policy/apply', { schema: POLICY_ROUTES.apply }, async (req) => {
    const { decl, opts } = parse(req.body);
    return applyPolicy(deps, hasher, req.caller!, decl, opts);
  });
  app.get('/policy/export', { schema: POLICY_ROUTES.export }, async (req) => exportPolicy(deps, req.caller!));
  methodNotAllowed(app, '/policy/plan', ['POST']);
  methodNotAllowed(app, '/policy/apply', ['POST']);
  methodNotAllowed(app, '/policy/export', ['GET']);
}
