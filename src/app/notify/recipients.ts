import { AUDIENCE, type NotificationKind } from '../../domain/notify/notification.js';
import { type Approval, votersOfOpenStage } from '../../domain/request/approval.js';
import type { GroupMembers } from '../../domain/role/approval-stage.js';
import type { PamRequest } from '../../domain/request/request.js';
import type { Role } from '../../domain/role/role.js';

/**
 * The accounts a notification of `kind` goes to personally; operations events go to channels only.
 * "Approval needed" goes to whoever may still vote on the approval's open stage (people and group
 * members, never the requester), read when the notification fans out.
 */
export function personalRecipients(kind: NotificationKind, role: Role, request: PamRequest, approval: Approval | undefined, members: GroupMembers): readonly string[] {
  switch (AUDIENCE[kind]) {
    case 'approvers':
      return approval ? votersOfOpenStage(role, request, approval, members) : [];
    case 'requester':
      return [request.creatorId];
    case 'operations':
      return [];
  }
}
