import { z } from 'zod';
import { autoApproveRuleView } from './auto-approve.js';
import { requestStatus } from './mim.js';

// Elevate's administration API (/api/admin), answers only; request bodies are in http/routes/admin-schemas.ts.

const lock = z.object({ reason: z.string(), lockedAt: z.number(), until: z.number().nullable(), lockedBy: z.string() });

export const user = z
  .object({
    id: z.string(),
    login: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    isAdmin: z.boolean(),
    disabled: z.boolean(),
    lock: lock.nullable().meta({ description: "An administrator's lock; `until` null: until unlocked. Times in ms since the epoch." }),
    service: z.literal(true).optional().meta({ description: 'Present on service accounts (automation, tokens only).' }),
    hasPassword: z.boolean(),
  })
  .meta({ id: 'User' });

/** A user as GET answers it: with the MFA lockout (failed attempts holding the user back). */
export const userWithLockout = user
  .extend({ mfaLockout: z.object({ locked: z.boolean(), failures: z.number(), lockedAt: z.string().nullable(), waitUntil: z.string().nullable() }) })
  .meta({ id: 'UserWithLockout' });
export type User = z.infer<typeof user> & Partial<Pick<z.infer<typeof userWithLockout>, 'mfaLockout'>>;

export const group = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    directory: z.string(),
    dn: z.string().nullable(),
    memberAttribute: z.string().nullable(),
    reconcile: z.string(),
  })
  .meta({ id: 'Group' });
export type Group = z.infer<typeof group>;

export const groupMember = z
  .object({ accountId: z.string().nullable(), login: z.string(), displayName: z.string(), member: z.boolean(), expected: z.boolean() })
  .meta({ id: 'GroupMember' });
export type GroupMember = z.infer<typeof groupMember>;

export const groupMembers = z.object({
  group: z.string(),
  directory: z.string(),
  /** granted: some role grants the group (members only through elevations); standing: none does (members set in its directory, or by administrators for an embedded group). */
  kind: z.enum(['granted', 'standing']),
  /** The roles that grant the group, by name. */
  grantedBy: z.array(z.string()),
  value: z.array(groupMember),
});

export type GroupMembers = z.infer<typeof groupMembers>;

/** What an edit of an embedded group's standing members changed, and the members after it. */
export const groupMembersChange = z
  .object({
    group: z.string(),
    members: z.array(z.object({ login: z.string(), displayName: z.string() })),
    added: z.array(z.string()),
    removed: z.array(z.string()),
  })
  .meta({ id: 'GroupMembersChange' });
export type GroupMembersChange = z.infer<typeof groupMembersChange>;

export const adminRole = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    ttlSeconds: z.number(),
    mfaRequired: z.boolean(),
    approvalRequired: z.boolean(),
    approverMfaRequired: z.boolean(),
    justificationRequired: z.boolean(),
    justificationMinLength: z.number(),
    ticketPattern: z.string().nullable(),
    window: z.object({ from: z.number(), to: z.number(), timeZone: z.string().nullable() }).nullable().meta({ description: 'Minutes after midnight; a null zone means the server’s.' }),
    groups: z.array(z.string()),
    candidates: z.array(z.string()),
    candidateGroups: z.array(z.string()),
    approvers: z.array(z.string()),
    approval: z.object({ stages: z.array(z.object({ approvers: z.array(z.string()), approverGroups: z.array(z.string()), required: z.number() })) }).nullable(),
    breakGlass: z.boolean().meta({ description: 'Activated without approval, TTL capped short, each use reviewed afterwards (docs/approvals.md).' }),
    notify: z
      .object({ expiryWarningMinutes: z.number().nullable(), slackChannel: z.string().nullable(), teamsChannel: z.string().nullable() })
      .meta({ description: 'Per-role notification settings; null: the server’s (docs/notifications.md).' }),
    autoApprove: z.array(autoApproveRuleView).meta({ description: 'Auto-approval rules, tried in order (docs/approvals.md).' }),
  })
  .meta({ id: 'AdminRole' });
export type AdminRole = z.infer<typeof adminRole>;

export const holding = z
  .object({
    roleId: z.string(),
    roleName: z.string(),
    accountId: z.string(),
    login: z.string(),
    displayName: z.string(),
    requestId: z.string(),
    status: requestStatus,
    startedAt: z.number().nullable(),
    expiresAt: z.number().nullable(),
  })
  .meta({ id: 'Holding' });
export type Holding = z.infer<typeof holding>;

export const auditEntry = z
  .object({
    seq: z.number(),
    at: z.number(),
    actorId: z.string().nullable(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    requestId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    hash: z.string().meta({ description: 'Chains the entry to the one before it: editing or deleting a past row breaks the chain.' }),
    actionName: z.string().meta({ description: 'Today’s name of the action (the stored `action` is hashed and never renamed).' }),
    actorName: z.string().meta({ description: 'Who acted, by login; `system` for the server itself.' }),
    targetName: z.string().meta({ description: 'What it acted on, by name.' }),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof auditEntry>;

/** A request as administrators see it (revoke, lock): times in ms since the epoch. */
export const adminRequest = z
  .object({
    requestId: z.string(),
    roleId: z.string(),
    roleName: z.string(),
    accountId: z.string(),
    login: z.string(),
    displayName: z.string(),
    status: requestStatus,
    justification: z.string().nullable(),
    createdAt: z.number(),
    requestedAt: z.number(),
    startedAt: z.number().nullable(),
    expiresAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    endReason: z.string().nullable(),
    endNote: z.string().nullable(),
    autoApprovedBy: z.string().nullable().meta({ description: 'The auto-approval rule that approved the request when it was made (docs/approvals.md).' }),
  })
  .meta({ id: 'AdminRequest' });
export type AdminRequest = z.infer<typeof adminRequest>;

/** One request with everything that happened to it, oldest first (the console's request page). */
export const requestTimeline = z.object({ request: adminRequest, events: z.array(auditEntry) }).meta({ id: 'RequestTimeline' });
export type RequestTimeline = z.infer<typeof requestTimeline>;

/** The console's landing figures. */
export const dashboard = z
  .object({
    activeNow: z.number(),
    pendingApprovals: z.number(),
    pendingMfa: z.number(),
    outboxGrants: z.number(),
    outboxRevokes: z.number(),
    outboxFailing: z.number(),
    notificationsWaiting: z.number(),
    revocationLatenessMs: z.number(),
  })
  .meta({ id: 'Dashboard' });
export type Dashboard = z.infer<typeof dashboard>;

/** What a lock did: the account, and the requests it ended. */
export const lockOutcome = z.object({ user, ended: z.array(adminRequest) }).meta({ id: 'LockOutcome' });
