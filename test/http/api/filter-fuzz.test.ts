/**
 * Property tests over the list endpoints: whatever $filter, $orderby, $top or query string a client
 * sends, the answer is never a 5xx, every refusal is an OData error, and no stored data changes.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { API, basic, makeApp, roleId } from '../../support/harness.js';
import {
  assertApprovalShape,
  assertElement,
  assertRequestShape,
  assertRoleShape,
  createForm,
  dataSnapshot,
  listApprovals,
  type Res,
  type WireApproval,
  type WireRequest,
  type WireRole,
} from './helpers.js';
import { CALLERS, RUNS, encodable, text, type Ctx, assertOutcome } from './fuzz-support.js';

const SETS = ['pamroles', 'pamrequests', 'pamrequeststoapprove'] as const;
type Set = (typeof SETS)[number];

const ROLE_PROPS = ['RoleId', 'DisplayName', 'Description', 'TTL', 'AvailableFrom', 'AvailableTo', 'MFAEnabled', 'ApprovalEnabled', 'AvailabilityWindowEnabled', 'RoleID'];
const REQUEST_PROPS = ['RequestId', 'CreatorID', 'Justification', 'DisplayName', 'CreationTime', 'CreationMethod', 'ExpirationTime', 'RoleId', 'RequestedTTL', 'RequestedTime', 'RequestStatus', 'RequestID', 'RequestedStatus'];
const APPROVAL_PROPS = ['RoleName', 'Requestor', 'Justification', 'RequestedTTL', 'RequestedTime', 'CreationTime', 'FIMRequestID/Value', 'RequestorID/Value', 'ApprovalObjectID/Value'];
const JUNK_PROPS = ['Foo', 'displayname', 'ttl', 'FIMRequestID', 'FIMRequestID/value', 'a/b', 'RoleId/Value', 'constructor', '__proto__', 'toString', '_x', 'x1', 'eq', 'and', 'not', 'null', 'true'];

// ---- a grammar of $filter expressions, mostly well-formed, often wrong in type or name ----
const ws = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '');
const isoDate = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const literal = fc.oneof(
  text(12).map((s) => `'${s.replace(/'/g, "''")}'`),
  text(8).map((s) => `'${s}`),
  fc.constantFrom("'Active'", "'PendingApproval'", "'Closed'", "'active'", "'3600'", "'1800'", "'Allow AD Access'", "'ApprovalRole'", "'PRIV.jen'", "''"),
  isoDate.map((d) => `datetime'${d}'`),
  isoDate.map((d) => `datetimeoffset'${d}'`),
  fc.constantFrom(
    "datetime'0001-01-01T08:00:00'",
    "datetime'0001-01-01T00:00:00'",
    "datetime'2026-01-05T10:00:00Z'",
    "datetime'2026-01-05T10:00:00.1234567+02:00'",
    "datetime'2026-02-30T10:00:00Z'",
    "datetime'2026-01-05'",
    "datetime''",
    "DateTime'2026-01-05T10:00:00Z'",
  ),
  text(10).map((s) => `datetime'${s.replace(/'/g, "''")}'`),
  fc.uuid().map((u) => `guid'${u}'`),
  fc.uuid().map((u) => `'${u}'`),
  text(10).map((s) => `guid'${s.replace(/'/g, "''")}'`),
  fc.integer().map(String),
  fc.integer({ min: 0, max: 10_000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String),
  fc.constantFrom('true', 'false', 'null', 'True', 'NULL', '1.', '-', '--1', '3600L', '1e3', '0x10', "X'00'", "binary'00'", "time'PT1H'"),
);
const propertyName = (set: Set) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(set === 'pamroles' ? ROLE_PROPS : set === 'pamrequests' ? REQUEST_PROPS : APPROVAL_PROPS)) },
    { weight: 1, arbitrary: fc.constantFrom(...ROLE_PROPS, ...REQUEST_PROPS, ...APPROVAL_PROPS) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK_PROPS) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}(\/[A-Za-z]{1,6})?$/) },
  );
const operator = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le') },
  { weight: 1, arbitrary: fc.constantFrom('EQ', 'Eq', '=', '==', '!=', '<', 'like', 'has', 'in', 'add', 'sub', 'and', 'or', 'not', '') },
);

type PropType = 'guid' | 'string' | 'nstring' | 'seconds' | 'timeofday' | 'datetime' | 'boolean' | 'status';
const TYPES: Record<Set, Record<string, PropType>> = {
  pamroles: {
    RoleId: 'guid',
    RoleID: 'guid',
    DisplayName: 'string',
    Description: 'nstring',
    TTL: 'seconds',
    AvailableFrom: 'timeofday',
    AvailableTo: 'timeofday',
    MFAEnabled: 'boolean',
    ApprovalEnabled: 'boolean',
    AvailabilityWindowEnabled: 'boolean',
  },
  pamrequests: {
    RequestId: 'guid',
    CreatorID: 'guid',
    RoleId: 'guid',
    Justification: 'nstring',
    DisplayName: 'string',
    CreationMethod: 'string',
    CreationTime: 'datetime',
    ExpirationTime: 'datetime',
    RequestedTime: 'datetime',
    RequestedTTL: 'seconds',
    RequestStatus: 'status',
    RequestedStatus: 'status',
  },
  pamrequeststoapprove: {
    RoleName: 'string',
    Requestor: 'string',
    Justification: 'nstring',
    RequestedTTL: 'seconds',
    RequestedTime: 'datetime',
    CreationTime: 'datetime',
    'FIMRequestID/Value': 'guid',
    'RequestorID/Value': 'guid',
    'ApprovalObjectID/Value': 'guid',
  },
};
const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;
const UNORDERED: readonly PropType[] = ['guid', 'boolean', 'status'];
const STATUSES = ['Processing', 'Scheduled', 'PendingMFA', 'PendingApproval', 'Active', 'Closing', 'Closed', 'Expired', 'Rejected'];

function typedLiteral(type: PropType): fc.Arbitrary<string> {
  switch (type) {
    case 'guid':
      return fc.oneof(fc.uuid().map((u) => `guid'${u}'`), fc.uuid().map((u) => quoted(u.toUpperCase())));
    case 'string':
      return fc.oneof(text(15).map(quoted), fc.constantFrom("'Allow AD Access'", "'ApprovalRole'", "'PRIV.jen'", "'PAM Web API'", "''"));
    case 'nstring':
      return fc.oneof(text(15).map(quoted), fc.constant('null'), fc.constant("'it''s urgent'"));
    case 'seconds':
      return fc.oneof(fc.nat({ max: 100_000 }).map(String), fc.nat({ max: 100_000 }).map((n) => `'${n}'`), fc.constantFrom('3600', "'1800'", '0'));
    case 'timeofday':
      return fc.tuple(fc.nat({ max: 23 }), fc.nat({ max: 59 })).map(([h, m]) => `datetime'0001-01-01T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00'`);
    case 'datetime':
      return fc.oneof(isoDate.map((d) => `datetime'${d}'`), fc.constantFrom("datetime'0001-01-01T00:00:00'", "datetime'2026-01-05T10:00:00Z'", "datetime'2026-01-05T10:30:00.5+01:00'"));
    case 'boolean':
      return fc.constantFrom('true', 'false');
    case 'status':
      return fc.constantFrom(...STATUSES.map(quoted));
  }
}

/** A comparison that is well-typed for `set`: always accepted. */
function typedComparison(set: Set): fc.Arbitrary<string> {
  const props = Object.entries(TYPES[set]);
  return fc.constantFrom(...props).chain(([name, type]) => {
    const ops: string[] = UNORDERED.includes(type) ? ['eq', 'ne'] : ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
    return fc.tuple(fc.constantFrom(...ops), typedLiteral(type), fc.boolean()).map(([op, lit, flip]) => {
      const o = lit === 'null' ? (op === 'ne' ? 'ne' : 'eq') : op;
      return flip ? `${lit} ${o} ${name}` : `${name} ${o} ${lit}`;
    });
  });
}

/** Filters built only from well-typed comparisons, and, or, not and balanced parentheses. */
function validFilter(set: Set): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; cmp: string; bin: string; not: string; paren: string }>((tie) => ({
    expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('cmp'), tie('bin'), tie('not'), tie('paren')),
    cmp: typedComparison(set),
    bin: fc.tuple(tie('expr'), fc.constantFrom('and', 'or'), tie('expr')).map(([l, o, r]) => `${l} ${o} ${r}`),
    not: tie('expr').map((e) => `not ${e}`),
    paren: tie('expr').map((e) => `(${e})`),
  }));
  return expr;
}

/** Filters from the grammar, mostly well-formed, often wrong in name, type, operator or structure. */
function filterExpr(set: Set): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; cmp: string; bin: string; not: string; paren: string; call: string }>((tie) => ({
    expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('cmp'), tie('bin'), tie('not'), tie('paren'), tie('call')),
    cmp: fc.oneof(
      { weight: 3, arbitrary: typedComparison(set) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(propertyName(set), operator, literal, fc.boolean(), ws, ws)
          .map(([p, o, l, flip, a, b]) => (flip ? `${l}${a}${o}${b}${p}` : `${p}${a}${o}${b}${l}`)),
      },
    ),
    bin: fc
      .tuple(tie('expr'), fc.oneof({ weight: 12, arbitrary: fc.constantFrom('and', 'or') }, { weight: 1, arbitrary: fc.constantFrom('AND', '&&', '||', ',', '') }), tie('expr'))
      .map(([l, o, r]) => `${l} ${o} ${r}`),
    not: tie('expr').map((e) => `not ${e}`),
    paren: fc
      .tuple(tie('expr'), fc.oneof({ weight: 10, arbitrary: fc.constant('()') }, { weight: 1, arbitrary: fc.constantFrom('(', ')', '') }))
      .map(([e, p]) => `${p.includes('(') ? '(' : ''}${e}${p.includes(')') ? ')' : ''}`),
    call: fc.tuple(fc.constantFrom('substringof', 'startswith', 'tolower', 'year', 'length'), propertyName(set), literal).map(([f, p, l]) => `${f}(${p}, ${l}) eq true`),
  }));
  return expr;
}

function assertListItems(set: Set, res: Res): unknown[] {
  const body = res.json() as { value: unknown[] };
  assert.ok(Array.isArray(body.value));
  for (const item of body.value) {
    if (set === 'pamroles') assertRoleShape(item as WireRole);
    else if (set === 'pamrequests') assertRequestShape(item as WireRequest);
    else assertApprovalShape(item as WireApproval);
  }
  return body.value;
}

describe('fuzzing the list endpoints', () => {
  let ctx: Ctx;
  let baseline: unknown;
  before(async () => {
    const t = await makeApp();
    const roleIds = await Promise.all(['Allow AD Access', 'ApprovalRole', 'MFA Role', 'Business Hours'].map((n) => roleId(t.app, n)));
    // Something to list for every caller and endpoint.
    assertElement(await createForm(t.app, 'jen', { RoleId: roleIds[0]!, RequestedTTL: 3600, Justification: "it's urgent" }));
    assertElement(await createForm(t.app, 'jen', { RoleId: roleIds[1]!, RequestedTTL: 1800 }));
    assertElement(await createForm(t.app, 'jen', { RoleId: roleIds[3]!, RequestedTTL: 600, RequestedTime: '2026/01/05 15:00' }));
    assertElement(await createForm(t.app, 'ann', { RoleId: roleIds[0]!, RequestedTTL: 600 }));
    assert.equal((await listApprovals(t.app, 'ann')).length, 1);
    ctx = { t, roleIds };
    baseline = await dataSnapshot(t.app);
  });
  after(async () => {
    await ctx.t.destroy();
  });

  async function list(set: Set, who: string, query: string): Promise<Res> {
    return ctx.t.app.inject({ method: 'GET', url: `${API}/${set}${query}`, headers: basic(who) });
  }

  async function unchanged(label: string): Promise<void> {
    assert.deepEqual(await dataSnapshot(ctx.t.app), baseline, `${label} changed stored data`);
  }

  test('arbitrary $filter text: 200 or a 400 OData error, never a 5xx', async () => {
    const special = fc.constantFrom(
      '('.repeat(70) + "DisplayName eq 'x'" + ')'.repeat(70),
      'not '.repeat(100) + 'MFAEnabled eq true',
      `DisplayName eq '${'x'.repeat(5000)}'`,
      Array.from({ length: 300 }, () => 'TTL eq 1').join(' and '),
      Array.from({ length: 300 }, () => 'TTL eq 1').join(' or '),
      "DisplayName eq 'a' or DisplayName eq 'b' and not (TTL lt 5)",
      '',
      ' ',
      "'",
      "''",
      'eq',
      '()',
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SETS), fc.constantFrom(...CALLERS), fc.oneof({ weight: 4, arbitrary: text(80) }, { weight: 1, arbitrary: special }), async (set, who, filter) => {
        fc.pre(encodable(filter));
        const res = await list(set, who, `?$filter=${encodeURIComponent(filter)}`);
        assertOutcome(res, [200, 400], `${set} $filter=${JSON.stringify(filter).slice(0, 100)}`);
        if (res.statusCode === 200) assertListItems(set, res);
        else await unchanged('a refused $filter');
      }),
      { numRuns: RUNS },
    );
  });

  test('grammar-built filters mixing valid and invalid names, literals and operators', async () => {
    let ok = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SETS).chain((set) => fc.tuple(fc.constant(set), filterExpr(set))),
        fc.constantFrom(...CALLERS),
        async ([set, filter], who) => {
          fc.pre(encodable(filter));
          const res = await list(set, who, `?$filter=${encodeURIComponent(filter)}`);
          assertOutcome(res, [200, 400], `${set} $filter=${filter.slice(0, 200)}`);
          if (res.statusCode === 200) {
            ok++;
            assertListItems(set, res);
          } else {
            refused++;
            await unchanged('a refused $filter');
          }
        },
      ),
      { numRuns: RUNS },
    );
    // The grammar reaches both outcomes, so the property is not vacuous.
    assert.ok(ok > RUNS / 20, `accepted ${ok}`);
    assert.ok(refused > RUNS / 20, `refused ${refused}`);
  });

  test('well-typed filters are always accepted and never widen the caller’s view', async () => {
    // Whatever matches is still only the caller's own data, however the filter is built.
    const all: Record<string, Record<Set, number>> = {};
    for (const who of CALLERS) {
      all[who] = { pamroles: 0, pamrequests: 0, pamrequeststoapprove: 0 };
      for (const set of SETS) all[who]![set] = assertListItems(set, await list(set, who, '')).length;
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SETS).chain((set) => fc.tuple(fc.constant(set), validFilter(set))),
        fc.constantFrom(...CALLERS),
        async ([set, filter], who) => {
          fc.pre(encodable(filter) && filter.length <= 4000);
          const res = await list(set, who, `?$filter=${encodeURIComponent(filter)}`);
          assertOutcome(res, [200], filter);
          const items = assertListItems(set, res);
          assert.ok(items.length <= all[who]![set], `${who} ${set} ${filter}`);
          // A filter and its negation split the caller's list between them.
          const neg = await list(set, who, `?$filter=${encodeURIComponent(`not (${filter})`)}`);
          assertOutcome(neg, [200], `not (${filter})`);
          assert.equal(items.length + assertListItems(set, neg).length, all[who]![set], `${who} ${set}: ${filter} and its negation partition the list`);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  test('random $top, $skip, $orderby and other options', async () => {
    const count = fc.oneof(
      fc.nat({ max: 20 }).map(String),
      fc.integer({ min: -100, max: 100 }).map(String),
      fc.constantFrom('10000', '10001', '1000000000', '1000000001', '99999999999999999999999', '1e2', '0x1', ' 3 ', '+1', '1.0', '', 'all'),
      text(10),
    );
    const orderItem = (set: Set) =>
      fc
        .tuple(propertyName(set), fc.constantFrom('', ' asc', ' desc', ' ASC', ' descending', ' asc desc', '  desc'))
        .map(([p, d]) => `${p}${d}`);
    const orderby = (set: Set) =>
      fc.oneof({ weight: 3, arbitrary: fc.array(orderItem(set), { minLength: 1, maxLength: 4 }).map((a) => a.join(',')) }, { weight: 1, arbitrary: text(30) });
    const optionName = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('$top', '$skip', '$orderby', '$filter', 'v') },
      { weight: 1, arbitrary: fc.constantFrom('$expand', '$select', '$TOP', '$format', '$count', '$inlinecount', '$skiptoken', '$', 'foo', 'V', '') },
      { weight: 1, arbitrary: text(8) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SETS).chain((set) =>
          fc.tuple(
            fc.constant(set),
            fc.record({ top: fc.option(count), skip: fc.option(count), orderby: fc.option(orderby(set)) }),
            fc.array(fc.tuple(optionName, fc.oneof(count, text(20))), { maxLength: 3 }),
          ),
        ),
        fc.constantFrom(...CALLERS),
        async ([set, { top, skip, orderby: ob }, extra], who) => {
          const parts: [string, string][] = [];
          if (top !== null) parts.push(['$top', top]);
          if (skip !== null) parts.push(['$skip', skip]);
          if (ob !== null) parts.push(['$orderby', ob]);
          parts.push(...extra);
          fc.pre(parts.every(([k, v]) => encodable(k) && encodable(v)));
          const query = parts.length ? `?${parts.map(([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`).join('&')}` : '';
          const res = await list(set, who, query);
          assertOutcome(res, [200, 400], `${set}${query.slice(0, 200)}`);
          if (res.statusCode === 200) {
            const items = assertListItems(set, res);
            if (top !== null && extra.every(([k]) => k !== '$top') && /^\d+$/.test(top.trim())) assert.ok(items.length <= Number(top.trim()), `$top=${top}`);
          } else {
            await unchanged('a refused option');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('raw, unencoded query strings', async () => {
    const raw = fc.string({ unit: fc.constantFrom(...'$&=%+\'"()[]{},;:/?@!*~-_. abcdefgilnoqrstuvwxyzADFIMNRST0123456789'.split('')), maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SETS), fc.constantFrom(...CALLERS), raw, async (set, who, q) => {
        const url = `${API}/${set}?${q.replace(/ /g, '%20')}`;
        const res = await ctx.t.app.inject({ method: 'GET', url, headers: basic(who) });
        assertOutcome(res, [200, 400], url);
        if (res.statusCode === 400) await unchanged('a refused query');
      }),
      { numRuns: RUNS },
    );
  });

  test('nothing above changed any stored data', async () => {
    assert.deepEqual(await dataSnapshot(ctx.t.app), baseline);
  });
});
