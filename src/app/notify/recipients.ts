import { AUDIENCE, type NotificationKind } from '../../domain/notify/notification.js';
import type { PamRequest } from '../../domain/request/request.js';
import type { Role } from '../../domain/role/role.js';

/**
 * Who may decide `request` now: the one place "approval needed" reads its recipients from, so that
 * approval stages and approver groups change this function, not the worker. Nobody approves their
 * own request.
 */
export function approvalRecipients(role: Role, request: PamRequest): readonly string[] {
  return role.approverIds.filter((id) => id !== request.creatorId);
}

/** The accounts a notification of `kind` goes to personally; operations events go to channels only. */
export function personalRecipients(kind: NotificationKind, role: Role, request: PamRequest): readonly string[] {
  switch (AUDIENCE[kind]) {
    case 'approvers':
      return approvalRecipients(role, request);
    case 'requester':
      return [request.creatorId];
    case 'operations':
      return [];
  }
}
