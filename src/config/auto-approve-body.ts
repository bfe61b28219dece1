import { z } from 'zod';
import { MAX_RULES, MAX_RULE_NAME, WEEKDAYS } from '../domain/role/auto-approve.js';

/**
 * A role's `autoApprove` rules as the admin API takes and shows them (docs/approvals.md): the first
 * rule whose conditions all hold approves a request. `elevate apply -f` takes the same shape, with
 * days also as text ("Mon-Fri") and the TTL limit also as a duration ("2h"): cli/declaration-schema.ts.
 */
export const ruleWindowBody = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
  from: z.string().meta({ description: 'HH:MM, server time' }),
  to: z.string().meta({ description: 'HH:MM; at or before `from`: the window runs past midnight' }),
});

export const autoApproveRuleBody = z.strictObject({
  name: z.string().min(1).max(MAX_RULE_NAME),
  groups: z.array(z.string()).max(100).optional().meta({ description: 'The requester is in one of these groups (names, embedded or LDAP).' }),
  window: ruleWindowBody.nullable().optional(),
  maxTtlSeconds: z.number().int().min(1).nullable().optional(),
  ticketRequired: z.boolean().optional(),
});

export const autoApproveBody = z.array(autoApproveRuleBody).max(MAX_RULES).nullable();

