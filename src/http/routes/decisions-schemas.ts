import { z } from 'zod';

// Wire shapes of GET /api/me/decisions (an approver's own decisions), for validation and OpenAPI.

export const decisionsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    skip: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const decision = z.object({
  requestId: z.string(),
  roleName: z.string(),
  requestorLogin: z.string(),
  /** The stage voted on, from 1. */
  stage: z.number().int(),
  decision: z.string(),
  /** Milliseconds since the epoch. */
  at: z.number(),
  comment: z.string().nullable(),
  factor: z.string().nullable(),
  approvalStatus: z.string(),
});
export const decisionList = z.object({ value: z.array(decision) });
