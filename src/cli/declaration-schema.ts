import { z } from 'zod';
import { roleNotifyBody } from '../config/role-notify-body.js';
import { MAX_RULES, MAX_RULE_NAME, parseDays } from '../domain/role/auto-approve.js';
import type { GroupSpec } from '../app/admin/groups.js';
import { MEMBER_ATTRIBUTES, RECONCILE_MODES } from '../domain/group/group.js';
import type { RoleSpec } from '../app/admin/roles.js';
import type { UserSpec } from '../app/admin/users.js';
import { CliError } from './cli-error.js';
import { parseDuration } from './parse-duration.js';

/*
 * The shape of an `elevate apply -f` file. Objects are strict so a misspelt key (`ttlSecond`) is
 * reported instead of silently ignored, which would leave a role without the setting the author
 * meant to give it.
 */

const names = z.array(z.string().min(1));

/** Seconds as a number, or a duration string such as "2h". */
const ttl = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return parseDuration(v, 'the TTL');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as CliError).message });
    return z.NEVER;
  }
});

const windowObject = z.strictObject({ from: z.string(), to: z.string(), timeZone: z.string().nullable().optional() });

/** `"08:00-18:00"`, `{from, to, timeZone?}`, or null for no window. */
const window = z.union([z.string(), windowObject, z.null()]).transform((v, ctx) => {
  if (typeof v !== 'string') return v;
  const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(v);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a window such as "08:00-18:00", got "${v}"` });
    return z.NEVER;
  }
  return { from: m[1]!.padStart(5, '0'), to: m[2]!.padStart(5, '0') };
});

const user = z
  .strictObject({
    login: z.string(),
    displayName: z.string().optional(),
    email: z.string().nullable().optional(),
    password: z.string().min(1).optional(),
    /** Read relative to the folder of the declaration file. */
    passwordFile: z.string().min(1).optional(),
    isAdmin: z.boolean().optional(),
    disabled: z.boolean().optional(),
    /** A service account (API tokens only); fixed when the account is created. */
    service: z.boolean().optional(),
  })
  .refine((u) => u.password === undefined || u.passwordFile === undefined, {
    message: 'give either password or passwordFile, not both',
    path: ['passwordFile'],
  });

const group = z.strictObject({
  name: z.string(),
  description: z.string().nullable().optional(),
  directory: z.string().optional(),
  dn: z.string().nullable().optional(),
  memberAttribute: z.enum(MEMBER_ATTRIBUTES).nullable().optional(),
  reconcile: z.enum(RECONCILE_MODES).optional(),
  /** Standing members (logins) of an embedded group no role grants. */
  members: names.optional(),
});

/** One stage of an approval path, as administrators write it (see RoleSpec.approval). */
const approvalStage = z.strictObject({
  approvers: names.optional(),
  approverGroups: names.optional(),
  required: z.number().int().min(1).max(100).optional(),
});
const approval = z.strictObject({ stages: z.array(approvalStage).min(1).max(10), approverMfaRequired: z.boolean().optional() }).nullable();

/** Days as a list (`[Mon, Tue]`) or as text (`Mon-Fri`, `Sat,Sun`). */
const days = z.union([z.array(z.string()), z.string()]).transform((v, ctx) => {
  const parsed = parseDays(Array.isArray(v) ? v.join(',') : v);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

/** One auto-approval rule (docs/approvals.md); the TTL limit as seconds or a duration such as "2h". */
const autoApproveRule = z
  .strictObject({
    name: z.string().min(1).max(MAX_RULE_NAME),
    groups: names.optional(),
    window: z.strictObject({ days, from: z.string(), to: z.string() }).nullable().optional(),
    maxTtlSeconds: ttl.nullable().optional(),
    maxTtl: ttl.nullable().optional(),
    ticketRequired: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.maxTtl !== undefined && r.maxTtlSeconds !== undefined && r.maxTtl !== r.maxTtlSeconds) {
      ctx.addIssue({ code: 'custom', path: ['maxTtl'], message: 'maxTtl and maxTtlSeconds are the same setting and disagree; give one' });
    }
  })
  .transform(({ maxTtl, maxTtlSeconds, ...rest }) => ({ ...rest, maxTtlSeconds: maxTtlSeconds !== undefined ? maxTtlSeconds : maxTtl }));

const role = z
  .strictObject({
    name: z.string(),
    description: z.string().nullable().optional(),
    ttlSeconds: ttl.optional(),
    ttl: ttl.optional(),
    mfaRequired: z.boolean().optional(),
    approvalRequired: z.boolean().optional(),
    approverMfaRequired: z.boolean().optional(),
    justificationRequired: z.boolean().optional(),
    justificationMinLength: z.number().int().min(0).max(1000).optional(),
    ticketPattern: z.string().max(200).nullable().optional(),
    breakGlass: z.boolean().optional(),
    window: window.optional(),
    /** The zone of a window written as a string. */
    timeZone: z.string().nullable().optional(),
    groups: names.optional(),
    candidates: names.optional(),
    candidateGroups: names.optional(),
    approvers: names.optional(),
    approval: approval.optional(),
    notify: roleNotifyBody.optional(),
    autoApprove: z.array(autoApproveRule).max(MAX_RULES).nullable().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.ttl !== undefined && r.ttlSeconds !== undefined && r.ttl !== r.ttlSeconds) {
      ctx.addIssue({ code: 'custom', path: ['ttl'], message: 'ttl and ttlSeconds are the same setting and disagree; give one' });
    }
    if (r.timeZone !== undefined && !r.window) ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'a time zone needs a window' });
    if (r.timeZone !== undefined && r.window && 'timeZone' in r.window && r.window.timeZone !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'give the time zone once, either here or in window' });
    }
  })
  .transform(({ ttl: alias, ttlSeconds, timeZone, window: w, ...rest }): RoleSpec => ({
    ...rest,
    ttlSeconds: ttlSeconds ?? alias,
    window: w ? { ...w, timeZone: timeZone ?? ('timeZone' in w ? w.timeZone : undefined) } : w,
  }));

export const declarationSchema = z.strictObject({
  users: z.array(user).optional(),
  groups: z.array(group).optional(),
  roles: z.array(role).optional(),
});

export type UserEntry = z.output<typeof user>;
export type ParsedDeclaration = z.output<typeof declarationSchema>;

/** `roles[1].ttl`, the way people point at a place in a YAML or JSON document. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') || '(top level)';
}

/** Validates a parsed document; a CliError lists every bad field with its path. */
export function parseDeclaration(doc: unknown, file: string): ParsedDeclaration {
  const r = declarationSchema.safeParse(doc ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.flatMap((i) =>
    // Point at the misspelt key itself, the way the other messages point at a bad value.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => `  ${formatPath([...i.path, k])}: unknown field`)
      : [`  ${formatPath(i.path)}: ${i.message}`],
  );
  throw new CliError(`${file} is not a valid declaration:\n${lines.join('\n')}`);
}

// Compile-time check that what the schema yields is what the use cases take.
type Assignable<T, U extends T> = U;
export type _Checks = [Assignable<GroupSpec, z.output<typeof group>>, Assignable<RoleSpec, z.output<typeof role>>, Assignable<Omit<UserSpec, 'password'>, Omit<UserEntry, 'passwordFile'>>];
