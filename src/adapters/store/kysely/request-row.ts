import type { Selectable } from 'kysely';
import type { EndReason, PamRequest, RequestStatus } from '../../../domain/request/request.js';
import { MIN_INSTANT, type RequestTable } from './schema.js';

// A request row as the domain sees it: shared by every repository that reads `requests`.

export const n = (v: number | string | null): number | null => (v === null ? null : Number(v));

export const toRequest = (r: Selectable<RequestTable>): PamRequest =>
  Object.freeze({
    id: r.id,
    creatorId: r.creator_id,
    roleId: r.role_id,
    displayName: r.display_name,
    justification: r.justification,
    ticketId: r.ticket_id ?? null,
    breakGlass: Number(r.break_glass) === 1,
    // Only when a rule approved it: the field is optional, absent meaning none (as before rules existed).
    ...(r.auto_approved_by != null && { autoApprovedBy: r.auto_approved_by }),
    creationMethod: r.creation_method,
    createdAt: Number(r.created_at),
    requestedTtlSeconds: Number(r.requested_ttl_seconds),
    requestedAt: Number(r.requested_at),
    status: r.status as RequestStatus,
    startedAt: n(r.started_at),
    expiresAt: Number(r.expires_at) === MIN_INSTANT ? null : Number(r.expires_at),
    pendingUntil: n(r.pending_until),
    endReason: r.end_reason as EndReason | null,
    endedAt: n(r.ended_at),
    endNote: r.end_note ?? null,
    approvalId: r.approval_id,
    version: r.version,
  });
