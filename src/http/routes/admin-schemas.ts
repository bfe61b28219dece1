import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { MEMBER_ATTRIBUTES, RECONCILE_MODES } from '../../domain/group/group.js';

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
    approvers: z.array(z.string()).max(10_000).optional(),
    approval: approval.optional(),
  })
  .strict();

export const revokeBody = z.object({ reason: z.string().max(4000) }).strict();

export const revokeAllBody = z
  .object({ reason: z.string().max(4000), role: z.string().min(1).max(256).optional(), user: z.string().min(1).max(64).optional() })
  .strict();

/** `until` is an ISO 8601 date-time (UTC unless it carries a zone); absent or null: until unlocked. */
export const lockBody = z.object({ reason: z.string().max(4000), until: z.string().max(64).nullable().optional() }).strict();

/** Validates a JSON body; the message names the first bad field so the caller can fix it. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new DomainError('BadRequest', `Invalid body: ${i.path.join('.') || '(body)'}: ${i.message}`);
}
