import { z } from 'zod';

// The MIM 2016 PAM wire shapes (spec/mim-pam-rest-api.md, "Resources and operations"). FROZEN: the
// Microsoft sample portal and old scripts read exactly these names and spellings.

/** Request statuses as the wire spells them (the domain's list; test/wire checks they agree). */
export const REQUEST_STATUS_NAMES = ['PendingMFA', 'PendingApproval', 'Scheduled', 'Processing', 'Active', 'Closing', 'Closed', 'Expired', 'Rejected'] as const;
export const requestStatus = z.enum(REQUEST_STATUS_NAMES);
export type RequestStatus = z.infer<typeof requestStatus>;

const guid = z.string().meta({ description: 'A GUID, lower case, without braces.' });
/** MIM's dates: ISO 8601 in UTC with a Z; an unset time is MIM's zero date (see http/odata/wire-time.ts). */
const wireTime = z.string().meta({ description: 'A date-time as MIM writes it (UTC, ISO 8601).' });

export const wireRole = z
  .object({
    RoleId: guid,
    DisplayName: z.string(),
    Description: z.string().nullable(),
    TTL: z.string().meta({ description: 'The longest activation in seconds, as a string.' }),
    AvailableFrom: z.string(),
    AvailableTo: z.string(),
    MFAEnabled: z.boolean(),
    ApprovalEnabled: z.boolean(),
    AvailabilityWindowEnabled: z.boolean(),
  })
  .meta({ id: 'PamRole' });
export type WireRole = z.infer<typeof wireRole>;

export const wireRequest = z
  .object({
    RequestId: guid,
    CreatorID: guid,
    Justification: z.string().nullable(),
    DisplayName: z.string(),
    CreationTime: wireTime,
    CreationMethod: z.string(),
    ExpirationTime: wireTime,
    RoleId: guid,
    RequestedTTL: z.string(),
    RequestedTime: wireTime,
    RequestStatus: requestStatus,
  })
  .meta({ id: 'PamRequest' });
export type WireRequest = z.infer<typeof wireRequest>;

const objectId = z.object({ Value: guid });

export const wireApproval = z
  .object({
    RoleName: z.string(),
    Requestor: z.string().meta({ description: '`DOMAIN.login` of the person asking.' }),
    Justification: z.string().nullable(),
    RequestedTTL: z.string(),
    RequestedTime: wireTime,
    CreationTime: wireTime,
    FIMRequestID: objectId,
    RequestorID: objectId,
    ApprovalObjectID: objectId,
  })
  .meta({ id: 'PamRequestToApprove' });
export type WireApproval = z.infer<typeof wireApproval>;

export const wireSessionInfo = z.object({ Username: z.string().meta({ description: '`DOMAIN\\login` of the caller.' }) }).meta({ id: 'PamSessionInfo' });

/**
 * Why a request ended: an Elevate extension (GET /api/me/endings) joined to a pamrequests entry by
 * RequestId, never a field of that entry. EndNote holds an administrator's words.
 */
export const wireEnding = z
  .object({
    RequestId: guid,
    RequestStatus: requestStatus,
    EndReason: z.string().nullable(),
    EndNote: z.string().nullable(),
    EndedTime: wireTime,
  })
  .meta({ id: 'RequestEnding' });
export type WireEnding = z.infer<typeof wireEnding>;
