// Property tests of $filter binding and parseListQuery (fast-check): well-typed filters always bind,
// and any query or text gives a ListQuery or a BadRequest. The examples are in list-query.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REQUEST_STATUSES } from '../../../src/domain/request/request.js';
import type { FieldType, FilterExpr } from '../../../src/ports/filter.js';
import { MAX_SKIP, MAX_TOP, parseListQuery } from '../../../src/http/odata/list-query.js';
import { APPROVAL_PROPERTIES, REQUEST_PROPERTIES, ROLE_PROPERTIES, type ResourceProperties } from '../../../src/http/odata/resource-properties.js';
import { GUID, bind, isBadRequest } from './list-query-support.js';

const ALL_PROPS = [ROLE_PROPERTIES, REQUEST_PROPERTIES, APPROVAL_PROPERTIES] as ResourceProperties<string>[];

/** A literal written to suit `type`, so binding reaches its success paths and not only refusals. */
function literalFor(type: FieldType): fc.Arbitrary<string> {
  switch (type) {
    case 'guid':
      return fc.uuid().chain((u) => fc.constantFrom(`guid'${u}'`, `'${u.toUpperCase()}'`));
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 10 }).map((s) => `'${s.replace(/'/g, "''")}'`);
    case 'datetime':
      return fc.date({ min: new Date('1970-01-01Z'), max: new Date('2100-01-01Z'), noInvalidDate: true }).map((d) => `datetime'${d.toISOString()}'`);
    case 'timeofday':
      return fc.nat({ max: 1439 }).map((m) => `datetime'0001-01-01T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00'`);
    case 'seconds':
      return fc.nat({ max: 1_000_000 }).chain((n) => fc.constantFrom(String(n), `'${n}'`));
    case 'boolean':
      return fc.constantFrom('true', 'false');
    case 'status':
      return fc.constantFrom(...REQUEST_STATUSES).map((s) => `'${s}'`);
  }
}

const ORDERED: ReadonlySet<FieldType> = new Set(['string', 'datetime', 'timeofday', 'seconds']);

const wellTypedArb = fc.constantFrom(...ALL_PROPS).chain((props) =>
  fc
    .array(
      fc.constantFrom(...props.byName.values()).chain((p) =>
        fc.tuple(
          fc.constant(p),
          fc.constantFrom(...(ORDERED.has(p.type) ? (['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) : (['eq', 'ne'] as const))),
          literalFor(p.type),
        ),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .chain((terms) =>
      fc.array(fc.constantFrom(' and ', ' or ', ' and not '), { minLength: terms.length - 1, maxLength: terms.length - 1 }).map((joins) => ({
        props,
        terms,
        text: terms.map(([p, op, lit], i) => `${i > 0 ? joins[i - 1] : ''}${[...props.byName.entries()].find(([, v]) => v === p)![0]} ${op} ${lit}`).join(''),
      })),
    ),
);

function fields<F extends string>(e: FilterExpr<F>): F[] {
  return e.kind === 'compare' ? [e.field] : e.kind === 'not' ? fields(e.expr) : [...fields(e.left), ...fields(e.right)];
}

test('property: well-typed filters over each resource always bind, to the right fields', () => {
  fc.assert(
    fc.property(wellTypedArb, ({ props, terms, text }) => {
      const bound = bind(text, props);
      assert.deepEqual(fields(bound), terms.map(([p]) => p.field));
    }),
    { numRuns: 1000 },
  );
});

function listsOrRefuses(query: Record<string, unknown>, props: ResourceProperties<string>): void {
  try {
    const q = parseListQuery(query, props);
    assert.ok(q.top === null || (Number.isInteger(q.top) && q.top >= 0 && q.top <= MAX_TOP));
    assert.ok(Number.isInteger(q.skip) && q.skip >= 0 && q.skip <= MAX_SKIP);
  } catch (e) {
    isBadRequest()(e);
  }
}

test('property: any query object gives a ListQuery or a BadRequest', () => {
  const keyArb = fc.oneof(
    fc.constantFrom('$filter', '$orderby', '$top', '$skip', '$expand', '$select', '$Filter', 'v', '_', '__proto__', 'constructor', '$'),
    fc.string({ maxLength: 8 }),
  );
  const textArb = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    wellTypedArb.map((w) => w.text),
    fc.constantFrom('DisplayName desc', 'TTL,RoleId asc', '10', '-1', '1e3', '10001', ''),
  );
  const valueArb = fc.oneof(
    { weight: 6, arbitrary: textArb },
    { weight: 1, arbitrary: fc.array(textArb, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 5, true) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );
  const queryArb = fc.dictionary(keyArb, valueArb, { maxKeys: 5 });
  fc.assert(
    fc.property(queryArb, fc.constantFrom(...ALL_PROPS), (query, props) => listsOrRefuses(query, props)),
    { numRuns: 2000 },
  );
});

test('property: arbitrary $filter text through parseListQuery parses, binds or is refused with BadRequest', () => {
  const piece = fc.constantFrom(
    ' ', '(', ')', "'", ' and ', ' or ', 'not ', ' eq ', ' gt ', ' le ', 'true', 'null', '-1', '3600', "'3600'",
    'TTL', 'RoleId', 'RequestStatus', 'FIMRequestID/Value', 'AvailableFrom', 'CreationTime', 'MFAEnabled', 'DisplayName',
    `guid'${GUID}'`, "datetime'0001-01-01T08:00:00'", "datetime'2015-01-09T08:26:49.721Z'", "'Active'", "'x'",
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom(...ALL_PROPS), (pieces, props) => {
      listsOrRefuses({ $filter: pieces.join('') }, props);
    }),
    { numRuns: 3000 },
  );
});
