/** What the MIM PAM API returns, as far as the CLI reads it (spec: "Resources and operations"). */
export interface WireRole {
  readonly RoleId: string;
  readonly DisplayName: string;
  readonly Description: string | null;
  readonly TTL: string;
  readonly AvailableFrom: string;
  readonly AvailableTo: string;
  readonly MFAEnabled: boolean;
  readonly ApprovalEnabled: boolean;
  readonly AvailabilityWindowEnabled: boolean;
}

export interface WireRequest {
  readonly RequestId: string;
  readonly CreatorID: string;
  readonly Justification: string | null;
  readonly DisplayName: string;
  readonly CreationTime: string;
  readonly CreationMethod: string;
  readonly ExpirationTime: string;
  readonly RoleId: string;
  readonly RequestedTTL: string;
  readonly RequestedTime: string;
  readonly RequestStatus: string;
}

/** Why a request ended: GET /api/me/endings, an Elevate extension joined by RequestId. */
export interface WireEnding {
  readonly RequestId: string;
  readonly RequestStatus: string;
  readonly EndReason: string | null;
  readonly EndNote: string | null;
  readonly EndedTime: string;
}

export interface WireApproval {
  readonly RoleName: string;
  readonly Requestor: string;
  readonly Justification: string | null;
  readonly RequestedTTL: string;
  readonly RequestedTime: string;
  readonly CreationTime: string;
  readonly FIMRequestID: { readonly Value: string };
  readonly RequestorID: { readonly Value: string };
  readonly ApprovalObjectID: { readonly Value: string };
}

// The wire spells statuses as the domain does; one list serves both.
export { REQUEST_STATUSES } from '../domain/request/request.js';

/** A `$filter` datetime literal; the wire wants UTC with a Z. */
export const odataDateTime = (at: number) => `datetime'${new Date(at).toISOString()}'`;
