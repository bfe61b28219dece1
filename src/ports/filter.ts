/**
 * A neutral query language between the HTTP layer (which parses OData) and the stores (which
 * compile it to parameterized SQL). Field names are domain names, values are domain values.
 */
export type FieldType = 'guid' | 'string' | 'datetime' | 'timeofday' | 'seconds' | 'boolean' | 'status';

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** A literal already converted to the field's domain type (instants and durations are numbers). */
export type FilterValue = string | number | boolean | null;

export type FilterExpr<F extends string = string> =
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly field: F; readonly value: FilterValue }
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpr<F>; readonly right: FilterExpr<F> }
  | { readonly kind: 'not'; readonly expr: FilterExpr<F> };

export interface OrderBy<F extends string = string> {
  readonly field: F;
  readonly descending: boolean;
}

export interface ListQuery<F extends string = string> {
  readonly filter: FilterExpr<F> | null;
  readonly orderBy: readonly OrderBy<F>[];
  readonly top: number | null;
  readonly skip: number;
}

export const EMPTY_QUERY: ListQuery<never> = Object.freeze({ filter: null, orderBy: [], top: null, skip: 0 });

/** A listing with no $filter, $orderby, $top or $skip: what nearly every call asks for. */
export function isPlain(q: ListQuery<string>): boolean {
  return q.filter === null && q.orderBy.length === 0 && q.top === null && q.skip === 0;
}

export interface FieldSpec {
  readonly type: FieldType;
}

export const ROLE_FIELDS = {
  id: { type: 'guid' },
  name: { type: 'string' },
  description: { type: 'string' },
  ttlSeconds: { type: 'seconds' },
  windowFrom: { type: 'timeofday' },
  windowTo: { type: 'timeofday' },
  mfaRequired: { type: 'boolean' },
  approvalRequired: { type: 'boolean' },
  windowEnabled: { type: 'boolean' },
} as const satisfies Record<string, FieldSpec>;
export type RoleField = keyof typeof ROLE_FIELDS;

export const REQUEST_FIELDS = {
  id: { type: 'guid' },
  creatorId: { type: 'guid' },
  justification: { type: 'string' },
  displayName: { type: 'string' },
  createdAt: { type: 'datetime' },
  creationMethod: { type: 'string' },
  expiresAt: { type: 'datetime' },
  roleId: { type: 'guid' },
  requestedTtlSeconds: { type: 'seconds' },
  requestedAt: { type: 'datetime' },
  status: { type: 'status' },
} as const satisfies Record<string, FieldSpec>;
export type RequestField = keyof typeof REQUEST_FIELDS;

export const APPROVAL_FIELDS = {
  roleName: { type: 'string' },
  requestorName: { type: 'string' },
  justification: { type: 'string' },
  requestedTtlSeconds: { type: 'seconds' },
  requestedAt: { type: 'datetime' },
  createdAt: { type: 'datetime' },
  requestId: { type: 'guid' },
  requestorId: { type: 'guid' },
  approvalId: { type: 'guid' },
} as const satisfies Record<string, FieldSpec>;
export type ApprovalField = keyof typeof APPROVAL_FIELDS;
