import { z } from 'zod';
import { MAX_REVIEW_COMMENT } from '../../domain/request/break-glass.js';
import { REQUEST_STATUSES } from '../../domain/request/request.js';

// Wire shapes of the break-glass routes (GET /api/admin/break-glass, GET /api/me/break-glass,
// POST /api/me/break-glass/{requestId}/review), for validation and for the OpenAPI document.

export const breakGlassReviewBody = z
  .object({
    comment: z.string().min(1).max(MAX_REVIEW_COMMENT),
    code: z.string().max(16).optional().meta({ description: "The reviewer's authenticator code: required when the role has approverMfaRequired." }),
  })
  .strict();

export const breakGlassUse = z.object({
  requestId: z.string(),
  roleId: z.string(),
  roleName: z.string(),
  requester: z.object({ login: z.string(), displayName: z.string() }),
  status: z.enum(REQUEST_STATUSES),
  /** Milliseconds since the epoch, as the rest of Elevate's own API. */
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  expiresAt: z.number().nullable(),
  justification: z.string().nullable(),
  ticketId: z.string().nullable(),
});
export const breakGlassUseList = z.object({ value: z.array(breakGlassUse) });

const factor = z.enum(['totp', 'passkey']).nullable().meta({ description: 'The step-up the reviewer passed; null when the role asks for none.' });
export const breakGlassReview = z.object({ requestId: z.string(), reviewer: z.string(), reviewedAt: z.number(), comment: z.string(), factor });

/** `GET /api/admin/break-glass?all=true`: every use, reviewed or not, with its review. */
export const breakGlassUseWithReview = breakGlassUse.extend({ review: breakGlassReview.omit({ requestId: true }).nullable() });
export const breakGlassListQuery = z
  .object({ all: z.enum(['true', 'false']).optional().meta({ description: 'true: every use, reviewed or not, each with its review; otherwise only the unreviewed ones.' }) })
  .strict();
export const breakGlassUseWithReviewList = z.object({ value: z.array(breakGlassUseWithReview) });
