import { z } from 'zod';

// Auto-approval rules as Elevate's extensions show them (docs/approvals.md). The wire layer stands
// alone, so the day names are spelt here too; test/http/api/auto-approve.test.ts keeps them equal.

export const WIRE_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** A rule as GET /api/admin/roles shows it: every field, names for groups. */
export const autoApproveRuleView = z.object({
  name: z.string(),
  groups: z.array(z.string()),
  window: z.object({ days: z.array(z.enum(WIRE_WEEKDAYS)), from: z.string(), to: z.string() }).nullable(),
  maxTtlSeconds: z.number().nullable(),
  ticketRequired: z.boolean(),
});

/** A rule as the approval path shows it to a requester: its name and its conditions in words. */
export const autoApproveRuleWords = z.object({ name: z.string(), when: z.string() });

/**
 * For the asking user, before asking: the rule that would approve them now with the role's default
 * TTL and no ticket, or null. A forecast: the TTL, ticket and start they ask with may change it.
 */
export const autoApproveForecast = z
  .object({ rule: z.string().nullable(), ttlSeconds: z.number(), note: z.string() })
  .meta({ description: 'Which rule would approve the caller if they asked now with the role’s default TTL; a forecast.' });
