import type { PamRequest } from '../../domain/request/request.js';
import type { RoleSummary } from '../../domain/role/role.js';
import type { ApprovalView } from '../../ports/store.js';
import { formatTimeOfDay, formatWireTime } from './wire-time.js';

/** The wire spellings live here and nowhere else. Property order follows the reference examples. */
export function roleToWire(r: RoleSummary) {
  return {
    RoleId: r.id,
    DisplayName: r.name,
    Description: r.description,
    TTL: String(r.ttlSeconds),
    AvailableFrom: formatTimeOfDay(r.window?.from ?? 0),
    AvailableTo: formatTimeOfDay(r.window?.to ?? 0),
    MFAEnabled: r.mfaRequired,
    ApprovalEnabled: r.approvalRequired,
    AvailabilityWindowEnabled: r.window !== null,
  };
}

export function requestToWire(r: PamRequest) {
  return {
    RequestId: r.id,
    CreatorID: r.creatorId,
    Justification: r.justification,
    DisplayName: r.displayName,
    CreationTime: formatWireTime(r.createdAt),
    CreationMethod: r.creationMethod,
    ExpirationTime: formatWireTime(r.expiresAt),
    RoleId: r.roleId,
    RequestedTTL: String(r.requestedTtlSeconds),
    RequestedTime: formatWireTime(r.requestedAt),
    RequestStatus: r.status,
  };
}

export function approvalToWire(a: ApprovalView, accountDomain: string) {
  return {
    RoleName: a.roleName,
    Requestor: `${accountDomain}.${a.requestorLogin}`,
    Justification: a.justification,
    RequestedTTL: String(a.requestedTtlSeconds),
    RequestedTime: formatWireTime(a.requestedAt),
    CreationTime: formatWireTime(a.createdAt),
    FIMRequestID: { Value: a.requestId },
    RequestorID: { Value: a.requestorId },
    ApprovalObjectID: { Value: a.approvalId },
  };
}

/**
 * Why a request ended: an Elevate extension joined to a pamrequests entry by RequestId, never a
 * field of that entry (its MIM shape is frozen). EndNote holds an administrator's words.
 */
export function endingToWire(r: PamRequest) {
  return {
    RequestId: r.id,
    RequestStatus: r.status,
    EndReason: r.endReason,
    EndNote: r.endNote,
    EndedTime: formatWireTime(r.endedAt),
  };
}
