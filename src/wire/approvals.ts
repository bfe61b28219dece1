import { z } from 'zod';
import { autoApproveForecast, autoApproveRuleWords } from './auto-approve.js';

// Who may approve, before asking and after (docs/approvals.md): Elevate extensions under /api/me.
// Lists are readonly as the views that fill them are.

export const approvalPath = z
  .object({
    roleId: z.string(),
    roleName: z.string(),
    approvalRequired: z.boolean(),
    approverMfaRequired: z.boolean(),
    justificationRequired: z.boolean(),
    justificationMinLength: z.number(),
    ticketPattern: z.string().nullable(),
    breakGlass: z
      .object({ maxTtlSeconds: z.number(), mfaRequired: z.boolean(), reviewRequired: z.literal(true) })
      .nullable()
      .optional()
      .meta({ description: 'Set for a break-glass role: activated without approval (the stages name who reviews each use afterwards), capped at maxTtlSeconds; MFA applies when mfaRequired.' }),
    stages: z
      .array(z.object({ stage: z.number(), required: z.number(), approvers: z.array(z.object({ login: z.string(), displayName: z.string() })).readonly(), approverGroups: z.array(z.string()).readonly() }))
      .readonly(),
    autoApprove: z.array(autoApproveRuleWords).readonly().meta({ description: 'Auto-approval rules in the order they are tried, in words.' }),
    autoApproveForecast: autoApproveForecast.nullable(),
  })
  .meta({ id: 'ApprovalPath' });
export type ApprovalPath = z.infer<typeof approvalPath>;

export const approvalProgress = approvalPath
  .extend({
    requestId: z.string(),
    status: z.string().nullable(),
    openStage: z.number().nullable().meta({ description: 'The open stage, from 1; null when decided or the role needs no approval.' }),
    autoApprovedBy: z.string().nullable().meta({ description: 'The auto-approval rule that approved the request when it was made; null when people decide.' }),
    votes: z.array(z.object({ stage: z.number(), approver: z.string(), decision: z.string(), at: z.number(), comment: z.string().nullable() })).readonly(),
  })
  .meta({ id: 'ApprovalProgress' });
export type ApprovalProgress = z.infer<typeof approvalProgress>;
