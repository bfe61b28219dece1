import { z } from 'zod';
import { assertionJson } from './mfa-schemas.js';
import { odataCollection, odataElement } from '../../wire/odata.js';
import { wireApproval, wireRequest, wireRole, wireSessionInfo } from '../../wire/mim.js';
import { webauthnOptions } from '../../wire/mfa.js';
import { answers, describedOnly, routeSchema, textAnswer } from '../plugins/zod-schemas.js';

// The MIM PAM operations, described for the OpenAPI document only (describedOnly): the handlers read
// their parameters as MIM did, case-insensitively from the query, a JSON body or a form (readParams),
// and their answers are the frozen wire shapes of src/wire/mim.ts.

const version = z.string().optional().meta({ description: 'API version; absent means the newest. This server supports 1.' });

/** OData v3 query options on the three lists (http/odata/list-query.ts; docs/api.md lists the grammar). */
const listQuery = describedOnly(
  z.object({
    $filter: z.string().optional().meta({ description: "OData v3 filter: eq, ne, gt, ge, lt, le, and, or, not, parentheses; strings in single quotes, datetime'…' and guid'…' literals." }),
    $orderby: z.string().optional().meta({ description: 'Property [asc|desc], comma-separated.' }),
    $top: z.string().optional().meta({ description: 'At most this many rows (1 to 10000).' }),
    $skip: z.string().optional().meta({ description: 'Skip this many rows.' }),
    v: version,
  }),
);

const newRequest = describedOnly(
  z.object({
    RoleId: z.string().meta({ description: "The role's GUID." }),
    RequestedTTL: z.string().meta({ description: 'Seconds, as a string; 0 deactivates (ends) the caller’s active request for the role.' }),
    Justification: z.string().optional(),
    RequestedTime: z.string().optional().meta({ description: 'When to start (a scheduled request); the server’s zone unless it carries one.' }),
    TicketId: z.string().optional().meta({ description: 'Elevate extension: a ticket reference, required when the role has a ticket pattern.' }),
  }),
);

const ACTIONS = ['Close', 'VerifyMFA', 'PasskeyOptions', 'VerifyPasskey', 'Approve', 'Reject'] as const;

const entityAction = describedOnly(
  z.object({
    key: z.string().meta({ description: "`pamrequests(guid'<RequestId>')` or `pamrequeststoapprove(guid'<ApprovalObjectID>')`." }),
    action: z.enum(ACTIONS).meta({
      description:
        'On pamrequests(…): Close, and the Elevate extensions VerifyMFA (Code), PasskeyOptions, VerifyPasskey (Passkey). On pamrequeststoapprove(…): Approve, Reject (Comment; Code or Passkey when the role asks approvers for MFA), PasskeyOptions. Names match without regard to case.',
    }),
  }),
);

const actionBody = describedOnly(
  z.object({
    Comment: z.string().optional().meta({ description: 'Approve and Reject: the approver’s comment.' }),
    Code: z.string().optional().meta({ description: 'VerifyMFA, Approve: a 6-digit authenticator code.' }),
    Passkey: assertionJson.optional().meta({ description: 'VerifyPasskey, Approve: an AuthenticationResponseJSON for options from PasskeyOptions (JSON bodies only).' }),
  }),
);

export const PAM_ROUTES = {
  metadata: routeSchema({ tags: ['mim'], summary: 'The CSDL document of the entity sets', querystring: describedOnly(z.object({ v: version })), response: answers({ 200: textAnswer('application/xml', 'OData v3 CSDL.') }) }),
  roles: routeSchema({ tags: ['mim'], summary: 'The roles the caller may request', querystring: listQuery, response: answers({ 200: odataCollection(wireRole) }) }),
  requests: routeSchema({ tags: ['mim'], summary: "The caller's requests", querystring: listQuery, response: answers({ 200: odataCollection(wireRequest) }) }),
  createRequest: routeSchema({
    tags: ['mim'],
    summary: 'Request a role (or with RequestedTTL 0, end an active one)',
    querystring: describedOnly(z.object({ v: version })),
    body: newRequest,
    response: answers({ 201: odataElement(wireRequest) }),
  }),
  approvals: routeSchema({ tags: ['mim'], summary: 'Requests waiting for the caller’s approval', querystring: listQuery, response: answers({ 200: odataCollection(wireApproval) }) }),
  action: routeSchema({
    tags: ['mim'],
    summary: 'An action on a request or an approval',
    params: entityAction,
    querystring: describedOnly(z.object({ v: version })),
    body: actionBody,
    response: answers({
      200: z.union([odataElement(wireRequest), webauthnOptions]).meta({
        description: 'Close, Approve, Reject: an empty text/plain body. VerifyMFA, VerifyPasskey: the request. PasskeyOptions: WebAuthn request options.',
      }),
    }),
  }),
  sessionInfo: routeSchema({ tags: ['mim'], summary: 'Who the caller is, as DOMAIN\\login', querystring: describedOnly(z.object({ v: version })), response: answers({ 200: odataCollection(wireSessionInfo) }) }),
};
