// Property tests of the $filter parser (fast-check): printed trees parse back, and any text, random
// or a mutated valid filter, parses or is refused with BadRequest. The examples are in filter-parser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../../src/domain/errors.js';
import type { CompareOp } from '../../../src/ports/filter.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, type WireExpr, type WireLiteral, parseFilter } from '../../../src/http/odata/filter-parser.js';

/** The property every input must have: a tree or a BadRequest, nothing else escapes. */
function parsesOrRefuses(text: string): void {
  try {
    parseFilter(text);
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== 'BadRequest') throw e;
    assert.match(e.message, /^\$filter: /);
  }
}

const KEYWORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'true', 'false', 'null']);
const FLIP: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

const identArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/).filter((s) => !KEYWORDS.has(s));
const propertyArb = fc.oneof(
  identArb,
  fc.tuple(identArb, identArb).map(([a, b]) => `${a}/${b}`),
  fc.constantFrom('DisplayName', 'FIMRequestID/Value', 'ExpirationTime'),
);
const opArb = fc.constantFrom<CompareOp>('eq', 'ne', 'gt', 'ge', 'lt', 'le');

const YEAR_ONE = new Date(0);
YEAR_ONE.setUTCFullYear(1, 0, 1);

const datetimeRawArb = fc
  .tuple(
    fc.date({ min: YEAR_ONE, max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
    fc.constantFrom('', 'Z', '+05:30', '-08:00', '+00:00'),
    fc.constantFrom('minutes', 'seconds', 'millis', 'ticks'),
  )
  .map(([d, zone, precision]) => {
    const iso = d.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ for years 1-9999
    const base =
      precision === 'minutes' ? iso.slice(0, 16) : precision === 'seconds' ? iso.slice(0, 19) : precision === 'millis' ? iso.slice(0, 23) : `${iso.slice(0, 23)}4567`;
    return base + zone;
  });

const literalArb: fc.Arbitrary<WireLiteral> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((value) => ({ type: 'string' as const, value })),
  fc.stringMatching(/^-?[0-9]{1,12}(\.[0-9]{1,6})?$/).map((raw) => ({ type: 'number' as const, value: Number(raw), raw })),
  fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
  fc.constant({ type: 'null' as const }),
  datetimeRawArb.map((raw) => ({ type: 'datetime' as const, raw })),
  fc.uuid().map((u) => ({ type: 'guid' as const, value: u.toLowerCase() })),
);

// Plain prototypes, so deepEqual compares the trees and not how fast-check allocated them.
const PLAIN = { noNullPrototype: true } as const;

const exprArb: fc.Arbitrary<WireExpr> = fc.letrec<{ expr: WireExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('compare' as const), op: opArb, property: propertyArb, value: literalArb }, PLAIN),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('expr'), right: tie('expr') }, PLAIN),
    fc.record({ kind: fc.constant('not' as const), expr: tie('expr') }, PLAIN),
  ),
})).expr;

interface PrintStyle {
  fullParens: boolean;
  flip: boolean;
  upperTyped: boolean;
}

function printLiteral(v: WireLiteral, style: PrintStyle): string {
  switch (v.type) {
    case 'string':
      return `'${v.value.replace(/'/g, "''")}'`;
    case 'number':
      return v.raw;
    case 'boolean':
      return String(v.value);
    case 'null':
      return 'null';
    case 'datetime':
      return `${style.upperTyped ? 'DateTimeOffset' : 'datetime'}'${v.raw}'`;
    case 'guid':
      return `${style.upperTyped ? 'GUID' : 'guid'}'${style.upperTyped ? v.value.toUpperCase() : v.value}'`;
  }
}

const PRECEDENCE = { or: 1, and: 2, not: 3, compare: 4 } as const;

/** Prints a tree back to $filter text: all parentheses, or only the ones precedence needs. */
function print(e: WireExpr, style: PrintStyle): string {
  const child = (c: WireExpr, min: number): string => {
    const text = print(c, style);
    return style.fullParens || PRECEDENCE[c.kind] < min ? `(${text})` : text;
  };
  switch (e.kind) {
    case 'compare':
      return style.flip
        ? `${printLiteral(e.value, style)} ${FLIP[e.op]} ${e.property}`
        : `${e.property} ${e.op} ${printLiteral(e.value, style)}`;
    case 'not':
      return `not ${child(e.expr, PRECEDENCE.not)}`;
    case 'and':
    case 'or':
      // Left-associative: a same-level right child needs parentheses to keep its shape.
      return `${child(e.left, PRECEDENCE[e.kind])} ${e.kind} ${child(e.right, PRECEDENCE[e.kind] + 1)}`;
  }
}

function depth(e: WireExpr): number {
  return e.kind === 'compare' ? 0 : e.kind === 'not' ? 1 + depth(e.expr) : 1 + Math.max(depth(e.left), depth(e.right));
}

const styleArb = fc.record({ fullParens: fc.boolean(), flip: fc.boolean(), upperTyped: fc.boolean() });

test('property: printed trees parse back to the same tree', () => {
  fc.assert(
    fc.property(exprArb, styleArb, (expr, style) => {
      const text = print(expr, style);
      fc.pre(text.length <= MAX_FILTER_LENGTH && depth(expr) < MAX_FILTER_DEPTH);
      assert.deepEqual(parseFilter(text), expr);
    }),
    { numRuns: 1000 },
  );
});

test('property: arbitrary text parses or is refused with BadRequest', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), parsesOrRefuses), { numRuns: 1000 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parsesOrRefuses), { numRuns: 1000 });
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), parsesOrRefuses), { numRuns: 500 });
  // Text made of the grammar's own pieces reaches deeper into the parser than random characters.
  const piece = fc.constantFrom(
    ' ', '(', ')', "'", "''", ',', '/', '-', '.', '0', '12', 'A', 'B/C', 'and', 'or', 'not', 'eq', 'gt', 'le', 'true', 'null',
    "datetime'", "guid'", "'2015-01-09T08:26:49.721Z'", "'c0112f13-b16b-40ad-b547-07f23a7fba52'", 'x', 'L',
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), parsesOrRefuses), { numRuns: 2000 });
});

const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    what: fc.oneof(fc.constantFrom("'", '(', ')', "''", ' ', 'not ', ' and ', 'eq', "guid'", "datetime'", ',', '-', '\u0000'), fc.string({ unit: 'binary', maxLength: 3 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('nest' as const), open: fc.nat({ max: 300 }), close: fc.nat({ max: 300 }) }),
  fc.record({ kind: fc.constant('nots' as const), count: fc.nat({ max: 300 }) }),
  fc.record({ kind: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 600 }) }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.what + text.slice(at);
    }
    case 'delete': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'nest':
      return '('.repeat(m.open) + text + ')'.repeat(m.close);
    case 'nots':
      return 'not '.repeat(m.count) + text;
    case 'repeat':
      // Capped so stacked repeats test the length limit, not the test process's memory.
      return Array.from({ length: Math.min(m.times, Math.ceil(20_000 / (text.length + 7))) }, () => `(${text})`).join(' and ');
  }
}

test('property: mutated valid filters parse or are refused with BadRequest', () => {
  fc.assert(
    fc.property(exprArb, styleArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (expr, style, mutations) => {
      parsesOrRefuses(mutations.reduce(mutate, print(expr, style)));
    }),
    { numRuns: 2000 },
  );
});
