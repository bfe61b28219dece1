import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUEST_STATUSES } from '../../../src/domain/request/request.js';
import {
  APPROVAL_FIELDS,
  EMPTY_QUERY,
  type FieldType,
  REQUEST_FIELDS,
  ROLE_FIELDS,
} from '../../../src/ports/filter.js';
import { MAX_SKIP, MAX_TOP, bindFilter, parseListQuery } from '../../../src/http/odata/list-query.js';
import {
  APPROVAL_PROPERTIES,
  REQUEST_PROPERTIES,
  ROLE_PROPERTIES,
  type ResourceProperties,
} from '../../../src/http/odata/resource-properties.js';
import { GUID, bind, isBadRequest } from './list-query-support.js';

function refusesFilter<F extends string>(text: string, props: ResourceProperties<F>, ...patterns: RegExp[]): void {
  assert.throws(() => bind(text, props), isBadRequest(/^\$filter: /, ...patterns), text);
}

test('property tables cover every neutral field with its declared type', () => {
  const cases: [ResourceProperties<string>, Record<string, { type: FieldType }>][] = [
    [ROLE_PROPERTIES, ROLE_FIELDS],
    [REQUEST_PROPERTIES, REQUEST_FIELDS],
    [APPROVAL_PROPERTIES, APPROVAL_FIELDS],
  ];
  for (const [props, fields] of cases) {
    const mapped = new Set([...props.byName.values()].map((p) => p.field));
    assert.deepEqual([...mapped].sort(), Object.keys(fields).sort(), props.entitySet);
    for (const p of props.byName.values()) assert.equal(p.type, fields[p.field]!.type, `${props.entitySet} ${p.name}`);
  }
  assert.deepEqual(ROLE_PROPERTIES.names, [
    'RoleId', 'DisplayName', 'Description', 'TTL', 'AvailableFrom', 'AvailableTo', 'MFAEnabled', 'ApprovalEnabled', 'AvailabilityWindowEnabled',
  ]);
  assert.deepEqual(APPROVAL_PROPERTIES.names, [
    'RoleName', 'Requestor', 'Justification', 'RequestedTTL', 'RequestedTime', 'CreationTime', 'FIMRequestID/Value', 'RequestorID/Value', 'ApprovalObjectID/Value',
  ]);
});

test('the spec example filters bind to neutral fields and domain values', () => {
  assert.deepEqual(
    bind("ExpirationTime gt datetime'2015-01-09T08:26:49.721Z' and ExpirationTime lt datetime'2015-02-10T08:26:49.722Z'", REQUEST_PROPERTIES),
    {
      kind: 'and',
      left: { kind: 'compare', op: 'gt', field: 'expiresAt', value: Date.UTC(2015, 0, 9, 8, 26, 49, 721) },
      right: { kind: 'compare', op: 'lt', field: 'expiresAt', value: Date.UTC(2015, 1, 10, 8, 26, 49, 722) },
    },
  );
  assert.deepEqual(bind("DisplayName eq 'SQL File Access'", ROLE_PROPERTIES), {
    kind: 'compare', op: 'eq', field: 'name', value: 'SQL File Access',
  });
  assert.deepEqual(
    bind("CreationTime gt datetime'2015-06-12T04:49:32.431Z' and CreationTime lt datetime'2015-07-13T04:49:32.432Z'", REQUEST_PROPERTIES),
    {
      kind: 'and',
      left: { kind: 'compare', op: 'gt', field: 'createdAt', value: Date.UTC(2015, 5, 12, 4, 49, 32, 431) },
      right: { kind: 'compare', op: 'lt', field: 'createdAt', value: Date.UTC(2015, 6, 13, 4, 49, 32, 432) },
    },
  );
});

test('and, or, not and flipped operands survive binding', () => {
  assert.deepEqual(bind("not (MFAEnabled eq true or 3600 lt TTL) and Description ne null", ROLE_PROPERTIES), {
    kind: 'and',
    left: {
      kind: 'not',
      expr: {
        kind: 'or',
        left: { kind: 'compare', op: 'eq', field: 'mfaRequired', value: true },
        right: { kind: 'compare', op: 'gt', field: 'ttlSeconds', value: 3600 },
      },
    },
    right: { kind: 'compare', op: 'ne', field: 'description', value: null },
  });
});

test('guid fields take guid literals or GUID strings, lower-cased', () => {
  const expected = { kind: 'compare', op: 'eq', field: 'roleId', value: GUID };
  assert.deepEqual(bind(`RoleId eq guid'${GUID}'`, REQUEST_PROPERTIES), expected);
  assert.deepEqual(bind(`RoleId eq guid'${GUID.toUpperCase()}'`, REQUEST_PROPERTIES), expected);
  assert.deepEqual(bind(`RoleId eq '${GUID.toUpperCase()}'`, REQUEST_PROPERTIES), expected);
  assert.deepEqual(bind(`CreatorID ne '${GUID}'`, REQUEST_PROPERTIES), { kind: 'compare', op: 'ne', field: 'creatorId', value: GUID });
  refusesFilter("RoleId eq 'SQL'", REQUEST_PROPERTIES, /'SQL' is not a GUID; RoleId takes a GUID such as guid'/);
  refusesFilter('RoleId eq 5', REQUEST_PROPERTIES, /in "RoleId eq 5", RoleId takes a GUID .*, not a number/);
  refusesFilter(`RoleId gt guid'${GUID}'`, REQUEST_PROPERTIES, /'gt' cannot be used with RoleId \(a guid\); use eq or ne/);
});

test('approval ids are addressed through their Value member', () => {
  for (const [wire, field] of [['FIMRequestID/Value', 'requestId'], ['RequestorID/Value', 'requestorId'], ['ApprovalObjectID/Value', 'approvalId']] as const) {
    assert.deepEqual(bind(`${wire} eq guid'${GUID}'`, APPROVAL_PROPERTIES), { kind: 'compare', op: 'eq', field, value: GUID });
  }
  refusesFilter(`FIMRequestID eq guid'${GUID}'`, APPROVAL_PROPERTIES, /unknown property 'FIMRequestID' for pamrequeststoapprove/, /FIMRequestID is a complex value; compare its member 'FIMRequestID\/Value'/);
  refusesFilter(`FIMRequestID/value eq guid'${GUID}'`, APPROVAL_PROPERTIES, /Did you mean 'FIMRequestID\/Value'\?/);
  assert.deepEqual(bind("Requestor eq 'PRIV.Jen' and RoleName eq 'SQL'", APPROVAL_PROPERTIES), {
    kind: 'and',
    left: { kind: 'compare', op: 'eq', field: 'requestorName', value: 'PRIV.Jen' },
    right: { kind: 'compare', op: 'eq', field: 'roleName', value: 'SQL' },
  });
});

test('string fields take strings and may be ordered', () => {
  assert.deepEqual(bind("DisplayName ge 'M'", ROLE_PROPERTIES), { kind: 'compare', op: 'ge', field: 'name', value: 'M' });
  assert.deepEqual(bind("Justification eq 'it''s urgent'", REQUEST_PROPERTIES), {
    kind: 'compare', op: 'eq', field: 'justification', value: "it's urgent",
  });
  refusesFilter('DisplayName eq 5', ROLE_PROPERTIES, /DisplayName takes a string in single quotes .*, not a number/);
  refusesFilter('DisplayName eq true', ROLE_PROPERTIES, /in "DisplayName eq true", DisplayName takes a string/);
});

test('datetime fields take datetime literals as epoch milliseconds', () => {
  assert.deepEqual(bind("RequestedTime le datetimeoffset'2015-07-12T08:40:00+02:00'", REQUEST_PROPERTIES), {
    kind: 'compare', op: 'le', field: 'requestedAt', value: Date.UTC(2015, 6, 12, 6, 40),
  });
  assert.deepEqual(bind("ExpirationTime eq datetime'0001-01-01T00:00:00'", REQUEST_PROPERTIES).kind, 'compare');
  refusesFilter("ExpirationTime gt '2015-01-09T08:26:49.721Z'", REQUEST_PROPERTIES, /in "ExpirationTime gt '2015-01-09T08:26:49.721Z'", ExpirationTime takes a date and time such as datetime'.*', not a string/);
  refusesFilter('CreationTime gt 5', REQUEST_PROPERTIES, /CreationTime takes a date and time/);
  // A hand-built tree can carry text the parser would have refused; binding still checks it.
  assert.throws(
    () => bindFilter({ kind: 'compare', op: 'eq', property: 'CreationTime', value: { type: 'datetime', raw: '2015-02-30T00:00:00Z' } }, REQUEST_PROPERTIES),
    isBadRequest(/is not a valid date and time \(day 30 does not exist/),
  );
});

test('time-of-day fields take a time on day 0001-01-01', () => {
  assert.deepEqual(bind("AvailableFrom ge datetime'0001-01-01T08:00:00'", ROLE_PROPERTIES), {
    kind: 'compare', op: 'ge', field: 'windowFrom', value: 480,
  });
  assert.deepEqual(bind("AvailableTo lt datetime'0001-01-01T17:30'", ROLE_PROPERTIES), {
    kind: 'compare', op: 'lt', field: 'windowTo', value: 1050,
  });
  refusesFilter("AvailableFrom eq datetime'2015-07-12T08:00:00Z'", ROLE_PROPERTIES, /in "AvailableFrom eq datetime'2015-07-12T08:00:00Z'", .*is not a time of day; a time of day is written as that time on day 0001-01-01/);
  refusesFilter("AvailableFrom eq datetime'0001-01-01T08:00:01'", ROLE_PROPERTIES, /zero seconds/);
  refusesFilter("AvailableFrom eq '08:00'", ROLE_PROPERTIES, /AvailableFrom takes a time of day written as that time on day 0001-01-01/);
});

test('seconds fields take whole numbers, bare or quoted as on the wire', () => {
  const expected = { kind: 'compare', op: 'le', field: 'ttlSeconds', value: 3600 };
  assert.deepEqual(bind('TTL le 3600', ROLE_PROPERTIES), expected);
  assert.deepEqual(bind("TTL le '3600'", ROLE_PROPERTIES), expected);
  assert.deepEqual(bind("RequestedTTL eq '0'", REQUEST_PROPERTIES), { kind: 'compare', op: 'eq', field: 'requestedTtlSeconds', value: 0 });
  assert.ok(Object.is((bind('TTL eq -0', ROLE_PROPERTIES) as { value: unknown }).value, 0));
  refusesFilter('TTL eq 1.5', ROLE_PROPERTIES, /TTL takes a whole number of seconds such as 3600 or '3600'; 1.5 is not one/);
  refusesFilter('TTL eq -5', ROLE_PROPERTIES, /-5 is not one/);
  refusesFilter('TTL eq 99999999999999999999', ROLE_PROPERTIES, /is not one/);
  refusesFilter("TTL eq '1h'", ROLE_PROPERTIES, /'1h' is not one/);
  refusesFilter("TTL eq ''", ROLE_PROPERTIES, /'' is not one/);
  refusesFilter("TTL eq datetime'2015-01-01T00:00'", ROLE_PROPERTIES, /in "TTL eq datetime'2015-01-01T00:00'", TTL takes a whole number of seconds .*, not a date and time/);
});

test('boolean fields take true or false and only eq/ne', () => {
  assert.deepEqual(bind('ApprovalEnabled eq false', ROLE_PROPERTIES), { kind: 'compare', op: 'eq', field: 'approvalRequired', value: false });
  assert.deepEqual(bind('AvailabilityWindowEnabled ne true', ROLE_PROPERTIES), { kind: 'compare', op: 'ne', field: 'windowEnabled', value: true });
  refusesFilter("MFAEnabled eq 'true'", ROLE_PROPERTIES, /MFAEnabled takes true or false, not a string/);
  refusesFilter('MFAEnabled eq 1', ROLE_PROPERTIES, /MFAEnabled takes true or false, not a number/);
  refusesFilter('MFAEnabled gt false', ROLE_PROPERTIES, /'gt' cannot be used with MFAEnabled \(a boolean\); use eq or ne/);
});

test('status takes one of the request statuses and only eq/ne', () => {
  for (const s of REQUEST_STATUSES) {
    assert.deepEqual(bind(`RequestStatus eq '${s}'`, REQUEST_PROPERTIES), { kind: 'compare', op: 'eq', field: 'status', value: s });
  }
  refusesFilter("RequestStatus eq 'active'", REQUEST_PROPERTIES, /'active' is not a request status; use one of PendingMFA, PendingApproval, Scheduled, Processing, Active, Closing, Closed, Expired, Rejected \(case-sensitive\)/);
  refusesFilter('RequestStatus eq 4', REQUEST_PROPERTIES, /RequestStatus takes a request status in single quotes \(one of PendingMFA/);
  refusesFilter("RequestStatus lt 'Active'", REQUEST_PROPERTIES, /'lt' cannot be used with RequestStatus \(a request status\); use eq or ne/);
});

test('null only with eq and ne, for any type', () => {
  assert.deepEqual(bind('Justification eq null', REQUEST_PROPERTIES), { kind: 'compare', op: 'eq', field: 'justification', value: null });
  assert.deepEqual(bind('null ne ExpirationTime', REQUEST_PROPERTIES), { kind: 'compare', op: 'ne', field: 'expiresAt', value: null });
  assert.deepEqual(bind('MFAEnabled eq null', ROLE_PROPERTIES), { kind: 'compare', op: 'eq', field: 'mfaRequired', value: null });
  refusesFilter('ExpirationTime gt null', REQUEST_PROPERTIES, /in "ExpirationTime gt null", null can only be compared with eq or ne/);
});

test('reference spellings are accepted as aliases', () => {
  assert.deepEqual(bind(`RoleID eq guid'${GUID}'`, ROLE_PROPERTIES), { kind: 'compare', op: 'eq', field: 'id', value: GUID });
  assert.deepEqual(bind(`RequestID eq guid'${GUID}'`, REQUEST_PROPERTIES), { kind: 'compare', op: 'eq', field: 'id', value: GUID });
  assert.deepEqual(bind(`RoleID eq guid'${GUID}'`, REQUEST_PROPERTIES), { kind: 'compare', op: 'eq', field: 'roleId', value: GUID });
  assert.deepEqual(bind("RequestedStatus eq 'Active'", REQUEST_PROPERTIES), { kind: 'compare', op: 'eq', field: 'status', value: 'Active' });
  // Aliases work but error messages advertise the examples' spelling only.
  assert.ok(!REQUEST_PROPERTIES.names.includes('RequestID'));
  refusesFilter('RequestedStatus gt 1', REQUEST_PROPERTIES, /cannot be used with RequestStatus/);
});

test('unknown properties are refused with the valid list; names are case-sensitive', () => {
  refusesFilter(
    "Name eq 'x'",
    ROLE_PROPERTIES,
    /^\$filter: unknown property 'Name' for pamroles; valid properties: RoleId, DisplayName, Description, TTL, AvailableFrom, AvailableTo, MFAEnabled, ApprovalEnabled, AvailabilityWindowEnabled\.$/,
  );
  refusesFilter("displayname eq 'x'", ROLE_PROPERTIES, /unknown property 'displayname'.*Did you mean 'DisplayName'\? Property names are case-sensitive\./);
  refusesFilter("RoleName eq 'x'", ROLE_PROPERTIES, /unknown property 'RoleName' for pamroles/);
  // Object prototype names are not properties.
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    refusesFilter(`${name} eq 'x'`, REQUEST_PROPERTIES, /unknown property/);
  }
});

test('parseListQuery: nothing given is the empty query', () => {
  assert.deepEqual(parseListQuery({}, ROLE_PROPERTIES), EMPTY_QUERY);
  assert.deepEqual(parseListQuery({ v: '1', _: '1436680800000', foo: ['a', 'b'] }, ROLE_PROPERTIES), EMPTY_QUERY);
  // Blank options are the same as none: form serializers send empty fields.
  assert.deepEqual(parseListQuery({ $filter: '', $orderby: ' ', $top: '', $skip: undefined }, ROLE_PROPERTIES), EMPTY_QUERY);
});

test('parseListQuery: all supported options together', () => {
  const q = parseListQuery(
    { $filter: "RequestStatus eq 'Active'", $orderby: 'CreationTime desc, DisplayName,RoleId asc', $top: '25', $skip: '50', v: '1' },
    REQUEST_PROPERTIES,
  );
  assert.deepEqual(q, {
    filter: { kind: 'compare', op: 'eq', field: 'status', value: 'Active' },
    orderBy: [
      { field: 'createdAt', descending: true },
      { field: 'displayName', descending: false },
      { field: 'roleId', descending: false },
    ],
    top: 25,
    skip: 50,
  });
});

test('parseListQuery: $top and $skip bounds', () => {
  assert.equal(parseListQuery({ $top: '0' }, ROLE_PROPERTIES).top, 0);
  assert.equal(parseListQuery({ $top: String(MAX_TOP) }, ROLE_PROPERTIES).top, MAX_TOP);
  assert.equal(parseListQuery({ $top: ' 7 ' }, ROLE_PROPERTIES).top, 7);
  assert.equal(parseListQuery({ $skip: String(MAX_SKIP) }, ROLE_PROPERTIES).skip, MAX_SKIP);
  assert.equal(parseListQuery({ $skip: '0' }, ROLE_PROPERTIES).skip, 0);
  assert.throws(() => parseListQuery({ $top: String(MAX_TOP + 1) }, ROLE_PROPERTIES), isBadRequest(/^\$top: 10001 is larger than the limit of 10000$/));
  assert.throws(() => parseListQuery({ $skip: String(MAX_SKIP + 1) }, ROLE_PROPERTIES), isBadRequest(/^\$skip: .* is larger than the limit/));
  assert.throws(() => parseListQuery({ $top: '9'.repeat(400) }, ROLE_PROPERTIES), isBadRequest(/is larger than the limit/));
  for (const bad of ['-1', '1.5', 'ten', '1e3', '+5', '0x10']) {
    assert.throws(() => parseListQuery({ $top: bad }, ROLE_PROPERTIES), isBadRequest(/^\$top: expected a whole number from 0 to 10000/), bad);
    assert.throws(() => parseListQuery({ $skip: bad }, ROLE_PROPERTIES), isBadRequest(/^\$skip: expected a whole number from 0 to 1000000000/), bad);
  }
});

test('parseListQuery: $orderby forms and refusals', () => {
  assert.deepEqual(parseListQuery({ $orderby: 'TTL' }, ROLE_PROPERTIES).orderBy, [{ field: 'ttlSeconds', descending: false }]);
  assert.deepEqual(parseListQuery({ $orderby: '  RoleID   desc ' }, ROLE_PROPERTIES).orderBy, [{ field: 'id', descending: true }]);
  assert.deepEqual(parseListQuery({ $orderby: 'FIMRequestID/Value desc' }, APPROVAL_PROPERTIES).orderBy, [{ field: 'requestId', descending: true }]);
  const refuses = (text: string, pattern: RegExp): void => {
    assert.throws(() => parseListQuery({ $orderby: text }, ROLE_PROPERTIES), isBadRequest(/^\$orderby: /, pattern), text);
  };
  refuses('Name', /unknown property 'Name' for pamroles; valid properties: RoleId, /);
  refuses('TTL DESC', /expected 'Property', 'Property asc' or 'Property desc' \(lower-case\), got 'TTL DESC'/);
  refuses('TTL desc asc', /expected 'Property'/);
  refuses('TTL,', /expected a property name between commas/);
  refuses(',TTL', /expected a property name between commas/);
  refuses('TTL desc, RoleId, TTL', /TTL is listed more than once/);
  refuses('RoleId, RoleID', /RoleId is listed more than once/);
  refuses('x'.repeat(5000), /is longer than 4096 characters/);
});

test('parseListQuery: options given twice, unsupported options and non-text values', () => {
  assert.throws(
    () => parseListQuery({ $filter: ["DisplayName eq 'a'", "DisplayName eq 'b'"] }, ROLE_PROPERTIES),
    isBadRequest(/^\$filter: is given more than once; give it once$/),
  );
  assert.throws(() => parseListQuery({ $top: ['1', '2'] }, ROLE_PROPERTIES), isBadRequest(/^\$top: is given more than once/));
  for (const option of ['$expand', '$select', '$format', '$inlinecount', '$count', '$search', '$', '$$filter']) {
    assert.throws(
      () => parseListQuery({ [option]: 'x' }, ROLE_PROPERTIES),
      isBadRequest(/the query option is not supported; supported options: \$filter, \$orderby, \$top, \$skip$/),
      option,
    );
  }
  assert.throws(() => parseListQuery({ $Filter: "DisplayName eq 'a'" }, ROLE_PROPERTIES), isBadRequest(/^\$Filter: .*did you mean '\$filter'\? option names are lower-case/));
  assert.throws(() => parseListQuery({ $TOP: '1' }, ROLE_PROPERTIES), isBadRequest(/did you mean '\$top'/));
  for (const value of [5, null, true, { a: '1' }]) {
    assert.throws(() => parseListQuery({ $filter: value }, ROLE_PROPERTIES), isBadRequest(/^\$filter: must be a single text value$/), String(value));
  }
});

test('parseListQuery: filter errors surface as $filter bad requests', () => {
  assert.throws(() => parseListQuery({ $filter: 'DisplayName eq' }, ROLE_PROPERTIES), isBadRequest(/^\$filter: expected a value after 'eq'/));
  assert.throws(() => parseListQuery({ $filter: 'TTL eq true' }, ROLE_PROPERTIES), isBadRequest(/^\$filter: in "TTL eq true"/));
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { $filter: "DisplayName eq 'x'" });
  assert.equal(parseListQuery(nullProto, ROLE_PROPERTIES).filter?.kind, 'compare');
});
