import { z } from 'zod';
import { roleNotifyBody } from '../../config/role-notify-body.js';
import { autoApproveBody } from '../../config/auto-approve-body.js';
import { DomainError } from '../../domain/errors.js';
import { MEMBER_ATTRIBUTES, RECONCILE_MODES } from '../../domain/group/group.js';
import { adminRequest, adminRole, auditEntry, dashboard, group, groupMembers, groupMembersChange, holding, lockOutcome, requestTimeline, user, userWithLockout } from '../../wire/admin.js';
import { enrolmentCode, factors, totpEnrolment } from '../../wire/mfa.js';
import { valueList } from '../../wire/odata.js';
import { breakGlassListQuery, breakGlassUseWithReviewList } from './break-glass-schemas.js';
import { listQuery, pageWire } from './admin-list-query.js';
import { answers, firstIssue, noContent, routeSchema } from '../plugins/zod-schemas.js';

export const userBody = z
  .object({
    login: z.string(),
    displayName: z.string().min(1).max(256).optional(),
    email: z.string().max(320).nullable().optional(),
    password: z.string().min(1).max(1024).optional(),
    isAdmin: z.boolean().optional(),
    disabled: z.boolean().optional(),
    service: z.boolean().optional(),
  })
  .strict();

export const groupBody = z
  .object({
    name: z.string(),
    description: z.string().max(1024).nullable().optional(),
    directory: z.string().min(1).max(64).optional(),
    dn: z.string().max(1024).nullable().optional(),
    memberAttribute: z.enum(MEMBER_ATTRIBUTES).nullable().optional(),
    reconcile: z.enum(RECONCILE_MODES).optional(),
  })
  .strict();

/** One stage of an approval path, as administrators write it (see RoleSpec.approval). */
const approvalStage = z.strictObject({
  approvers: z.array(z.string()).max(10_000).optional(),
  approverGroups: z.array(z.string()).max(1000).optional(),
  required: z.number().int().min(1).max(100).optional(),
});
const approval = z.strictObject({ stages: z.array(approvalStage).min(1).max(10), approverMfaRequired: z.boolean().optional() }).nullable();

export const roleBody = z
  .object({
    name: z.string(),
    description: z.string().max(4000).nullable().optional(),
    ttlSeconds: z.number().int().optional(),
    mfaRequired: z.boolean().optional(),
    approvalRequired: z.boolean().optional(),
    approverMfaRequired: z.boolean().optional(),
    justificationRequired: z.boolean().optional(),
    justificationMinLength: z.number().int().min(0).max(1000).optional(),
    ticketPattern: z.string().max(200).nullable().optional(),
    breakGlass: z.boolean().optional(),
    window: z.object({ from: z.string(), to: z.string(), timeZone: z.string().nullable().optional() }).strict().nullable().optional(),
    groups: z.array(z.string()).max(1000).optional(),
    candidates: z.array(z.string()).max(100_000).optional(),
    candidateGroups: z.array(z.string()).max(1000).optional(),
    approvers: z.array(z.string()).max(10_000).optional(),
    approval: approval.optional(),
    notify: roleNotifyBody.optional(),
    autoApprove: autoApproveBody.optional(),
  })
  .strict();

/** Logins of standing members of an embedded group. */
export const membersBody = z.object({ members: z.array(z.string().min(1).max(256)).max(100_000) }).strict();

export const revokeBody = z.object({ reason: z.string().max(4000) }).strict();

export const revokeAllBody = z
  .object({ reason: z.string().max(4000), role: z.string().min(1).max(256).optional(), user: z.string().min(1).max(64).optional() })
  .strict();

/** `until` is an ISO 8601 date-time (UTC unless it carries a zone); absent or null: until unlocked. */
export const lockBody = z.object({ reason: z.string().max(4000), until: z.string().max(64).nullable().optional() }).strict();

/** Validates a JSON body where no route schema can (a field of a body); the message names the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  return parseWith(schema, body, 'body');
}

/** Validates a query string the same way; a parameter given twice arrives as an array and is refused. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  return parseWith(schema, query, 'query');
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: 'body' | 'query'): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new DomainError('BadRequest', firstIssue(what, r.error));
}

const byName = z.object({ name: z.string() });


/** Every /api/admin route: what it takes and what it answers (the OpenAPI document is built from these). */
export const ADMIN_ROUTES = {
  listBreakGlass: routeSchema({
    tags: ['admin'],
    summary: 'Break-glass uses not yet reviewed (all=true: every use, with its review), newest first',
    querystring: breakGlassListQuery,
    response: answers({ 200: breakGlassUseWithReviewList }),
  }),
  listUsers: routeSchema({ tags: ['admin'], summary: 'List users (optionally those matching a search)', querystring: listQuery, response: answers({ 200: pageWire(userWithLockout) }) }),
  createUser: routeSchema({ tags: ['admin'], summary: 'Create a user', body: userBody, response: answers({ 201: user }) }),
  showUser: routeSchema({ tags: ['admin'], summary: 'Show a user', params: byName, response: answers({ 200: userWithLockout }) }),
  updateUser: routeSchema({ tags: ['admin'], summary: 'Change a user', params: byName, body: userBody.partial(), response: answers({ 200: user }) }),
  removeUser: routeSchema({ tags: ['admin'], summary: 'Remove a user', params: byName, response: answers({ 204: noContent }) }),
  lockUser: routeSchema({
    tags: ['admin'],
    summary: 'Lock a user: end everything they hold and refuse sign-in until unlocked',
    params: byName,
    body: lockBody,
    response: answers({ 200: lockOutcome }),
  }),
  unlockUser: routeSchema({ tags: ['admin'], summary: 'Lift a lock', params: byName, response: answers({ 200: user }) }),
  revokeRequest: routeSchema({ tags: ['admin'], summary: 'Revoke one request now', params: z.object({ id: z.string() }), body: revokeBody, response: answers({ 200: adminRequest }) }),
  revokeAll: routeSchema({ tags: ['admin'], summary: 'Revoke everything of a role and/or a person', body: revokeAllBody, response: answers({ 200: valueList(adminRequest) }) }),
  userFactors: routeSchema({ tags: ['admin', 'mfa'], summary: "A user's factors", params: byName, response: answers({ 200: factors }) }),
  provisionTotp: routeSchema({ tags: ['admin', 'mfa'], summary: 'Provision an authenticator for a user (secret shown once)', params: byName, response: answers({ 201: totpEnrolment }) }),
  resetMfa: routeSchema({
    tags: ['admin', 'mfa'],
    summary: "Remove every factor of a user, optionally issuing an enrolment code",
    params: byName,
    querystring: z.object({ enrolmentCode: z.enum(['true', 'false']).optional() }),
    response: answers({ 200: enrolmentCode, 204: noContent }),
  }),
  issueEnrolmentCode: routeSchema({ tags: ['admin', 'mfa'], summary: 'Issue an enrolment code (shown once)', params: byName, response: answers({ 201: enrolmentCode }) }),
  liftMfaLockout: routeSchema({ tags: ['admin', 'mfa'], summary: 'Lift an MFA lockout', params: byName, response: answers({ 204: noContent }) }),
  listGroups: routeSchema({ tags: ['admin'], summary: 'List groups (optionally those matching a search)', querystring: listQuery, response: answers({ 200: pageWire(group) }) }),
  createGroup: routeSchema({ tags: ['admin'], summary: 'Create a group', body: groupBody, response: answers({ 201: group }) }),
  showGroup: routeSchema({ tags: ['admin'], summary: 'Show a group', params: byName, response: answers({ 200: group }) }),
  updateGroup: routeSchema({ tags: ['admin'], summary: 'Change a group', params: byName, body: groupBody.partial(), response: answers({ 200: group }) }),
  removeGroup: routeSchema({ tags: ['admin'], summary: 'Remove a group', params: byName, response: answers({ 204: noContent }) }),
  groupMembers: routeSchema({ tags: ['admin'], summary: 'Who is in the group now, and who should be', params: byName, response: answers({ 200: groupMembers }) }),
  setGroupMembers: routeSchema({
    tags: ['admin'],
    summary: "Replace an embedded group's standing members (refused with 409 when a role grants the group)",
    params: byName,
    body: membersBody,
    response: answers({ 200: groupMembersChange }),
  }),
  addGroupMembers: routeSchema({
    tags: ['admin'],
    summary: 'Add standing members to an embedded group no role grants',
    params: byName,
    body: membersBody,
    response: answers({ 200: groupMembersChange }),
  }),
  removeGroupMember: routeSchema({
    tags: ['admin'],
    summary: 'Remove one standing member of an embedded group no role grants',
    params: z.object({ name: z.string(), login: z.string() }),
    response: answers({ 200: groupMembersChange }),
  }),
  listRoles: routeSchema({ tags: ['admin'], summary: 'List roles', querystring: listQuery, response: answers({ 200: pageWire(adminRole) }) }),
  createRole: routeSchema({ tags: ['admin'], summary: 'Create a role', body: roleBody, response: answers({ 201: adminRole }) }),
  showRole: routeSchema({ tags: ['admin'], summary: 'Show a role', params: byName, response: answers({ 200: adminRole }) }),
  updateRole: routeSchema({ tags: ['admin'], summary: 'Change a role', params: byName, body: roleBody.partial(), response: answers({ 200: adminRole }) }),
  removeRole: routeSchema({ tags: ['admin'], summary: 'Remove a role', params: byName, response: answers({ 204: noContent }) }),
  listHoldings: routeSchema({ tags: ['admin'], summary: 'Who holds which role now', querystring: listQuery, response: answers({ 200: pageWire(holding) }) }),
  readAudit: routeSchema({
    tags: ['admin'],
    summary: 'Read the audit trail',
    querystring: z.object({
      requestId: z.string().optional(),
      actorId: z.string().optional(),
      action: z.string().optional(),
      since: z.string().optional().meta({ description: 'ISO 8601 date-time (UTC unless it carries a zone).' }),
      until: z.string().optional(),
      limit: z.coerce.number<string>().int().min(1).max(10_000).default(100),
      before: z.string().regex(/^\d{1,15}$/, 'must be the seq of an audit entry').transform(Number).optional().meta({ description: 'Only entries older than this seq (the previous page’s nextBefore).' }),
    }),
    response: answers({ 200: valueList(auditEntry).extend({ nextBefore: z.number().nullable() }) }),
  }),
  requestTimeline: routeSchema({ tags: ['admin'], summary: 'One request and everything that happened to it', params: z.object({ id: z.string() }), response: answers({ 200: requestTimeline }) }),
  dashboard: routeSchema({ tags: ['admin'], summary: 'The console’s landing figures', response: answers({ 200: dashboard }) }),
};
