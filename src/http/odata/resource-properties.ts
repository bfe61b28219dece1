import { DomainError } from '../../domain/errors.js';
import {
  APPROVAL_FIELDS,
  type ApprovalField,
  type FieldSpec,
  type FieldType,
  REQUEST_FIELDS,
  type RequestField,
  ROLE_FIELDS,
  type RoleField,
} from '../../ports/filter.js';

/** One property a client may name in $filter or $orderby, and the neutral field it stands for. */
export interface WireProperty<F extends string> {
  /** The spelling the examples use, even when the client wrote an alias. */
  readonly name: string;
  readonly field: F;
  readonly type: FieldType;
}

export interface ResourceProperties<F extends string> {
  readonly entitySet: string;
  /** The spellings offered in error messages; aliases are accepted but not advertised. */
  readonly names: readonly string[];
  /** Every accepted spelling, aliases included. A Map so names like `constructor` find nothing. */
  readonly byName: ReadonlyMap<string, WireProperty<F>>;
}

function defineProperties<F extends string>(
  entitySet: string,
  fields: Readonly<Record<F, FieldSpec>>,
  wire: Readonly<Record<string, F>>,
  aliases: Readonly<Record<string, string>> = {},
): ResourceProperties<F> {
  const byName = new Map<string, WireProperty<F>>();
  for (const [name, field] of Object.entries(wire) as [string, F][]) {
    byName.set(name, Object.freeze({ name, field, type: fields[field].type }));
  }
  for (const [alias, canonical] of Object.entries(aliases)) {
    const p = byName.get(canonical);
    if (!p) throw new Error(`alias ${alias} names unknown property ${canonical}`);
    byName.set(alias, p);
  }
  return Object.freeze({ entitySet, names: Object.freeze(Object.keys(wire)), byName });
}

export const ROLE_PROPERTIES = defineProperties<RoleField>(
  'pamroles',
  ROLE_FIELDS,
  {
    RoleId: 'id',
    DisplayName: 'name',
    Description: 'description',
    TTL: 'ttlSeconds',
    AvailableFrom: 'windowFrom',
    AvailableTo: 'windowTo',
    MFAEnabled: 'mfaRequired',
    ApprovalEnabled: 'approvalRequired',
    AvailabilityWindowEnabled: 'windowEnabled',
  },
  // The reference tables' spellings; the examples and the sample portal use the ones above.
  { RoleID: 'RoleId' },
);

export const REQUEST_PROPERTIES = defineProperties<RequestField>(
  'pamrequests',
  REQUEST_FIELDS,
  {
    RequestId: 'id',
    CreatorID: 'creatorId',
    Justification: 'justification',
    DisplayName: 'displayName',
    CreationTime: 'createdAt',
    CreationMethod: 'creationMethod',
    ExpirationTime: 'expiresAt',
    RoleId: 'roleId',
    RequestedTTL: 'requestedTtlSeconds',
    RequestedTime: 'requestedAt',
    RequestStatus: 'status',
  },
  { RequestID: 'RequestId', RoleID: 'RoleId', RequestedStatus: 'RequestStatus' },
);

export const APPROVAL_PROPERTIES = defineProperties<ApprovalField>('pamrequeststoapprove', APPROVAL_FIELDS, {
  RoleName: 'roleName',
  Requestor: 'requestorName',
  Justification: 'justification',
  RequestedTTL: 'requestedTtlSeconds',
  RequestedTime: 'requestedAt',
  CreationTime: 'createdAt',
  // These are complex values on the wire ({"Value": "<guid>"}), so OData addresses the member.
  'FIMRequestID/Value': 'requestId',
  'RequestorID/Value': 'requestorId',
  'ApprovalObjectID/Value': 'approvalId',
});

/** Looks a wire name up, or refuses it with the list of valid names (and a hint for near misses). */
export function resolveProperty<F extends string>(
  props: ResourceProperties<F>,
  name: string,
  parameter: string,
): WireProperty<F> {
  const p = props.byName.get(name);
  if (p) return p;
  const lower = name.toLowerCase();
  const names = [...props.byName.keys()];
  const sameButCase = names.find((n) => n.toLowerCase() === lower);
  const member = names.find((n) => n.toLowerCase() === `${lower}/value`);
  const hint = sameButCase
    ? ` Did you mean '${sameButCase}'? Property names are case-sensitive.`
    : member
      ? ` ${name} is a complex value; compare its member '${member}'.`
      : '';
  const shownName = name.length > 40 ? `${name.slice(0, 37)}...` : name;
  throw new DomainError(
    'BadRequest',
    `${parameter}: unknown property '${shownName}' for ${props.entitySet}; valid properties: ${props.names.join(', ')}.${hint}`,
    { parameter },
  );
}
