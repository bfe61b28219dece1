import type { EndReason, PamRequest, RequestStatus } from '../../domain/request/request.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';

/**
 * A request as the administration API shows it: names beside ids, and why it ended. Not MIM's
 * shape (that one stays as it is under /api/pamresources); camelCase like the rest of /api/admin.
 */
export interface AdminRequestView {
  readonly requestId: string;
  readonly roleId: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly login: string;
  readonly displayName: string;
  readonly status: RequestStatus;
  readonly justification: string | null;
  readonly createdAt: Instant;
  readonly requestedAt: Instant;
  readonly startedAt: Instant | null;
  readonly expiresAt: Instant | null;
  readonly endedAt: Instant | null;
  readonly endReason: EndReason | null;
  readonly endNote: string | null;
  /** The auto-approval rule that approved it when it was made; null: people decide (or none needed). */
  readonly autoApprovedBy: string | null;
}

export async function viewRequest(tx: StoreTx, r: PamRequest): Promise<AdminRequestView> {
  const role = await tx.roles.byId(r.roleId);
  const account = await tx.accounts.byId(r.creatorId);
  return {
    requestId: r.id,
    roleId: r.roleId,
    roleName: role?.name ?? r.displayName,
    accountId: r.creatorId,
    login: account?.login ?? r.creatorId,
    displayName: account?.displayName ?? r.creatorId,
    status: r.status,
    justification: r.justification,
    createdAt: r.createdAt,
    requestedAt: r.requestedAt,
    startedAt: r.startedAt,
    expiresAt: r.expiresAt,
    endedAt: r.endedAt,
    endReason: r.endReason,
    endNote: r.endNote,
    autoApprovedBy: r.autoApprovedBy ?? null,
  };
}
