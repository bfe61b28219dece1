import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/domain/errors.js';
import type { CompareOp } from '../../../src/ports/filter.js';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  type WireExpr,
  type WireLiteral,
  parseFilter,
} from '../../../src/http/odata/filter-parser.js';

function cmp(property: string, op: CompareOp, value: WireLiteral): WireExpr {
  return { kind: 'compare', op, property, value };
}
const num = (raw: string): WireLiteral => ({ type: 'number', value: Number(raw), raw });
const str = (value: string): WireLiteral => ({ type: 'string', value });
const dt = (raw: string): WireLiteral => ({ type: 'datetime', raw });

/** Asserts a BadRequest whose message matches `pattern` (and, when given, names `position`). */
function refuses(text: string, pattern: RegExp, position?: number): void {
  assert.throws(
    () => parseFilter(text),
    (e: unknown) => {
      assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
      assert.equal(e.code, 'BadRequest');
      assert.match(e.message, /^\$filter: /);
      assert.match(e.message, pattern);
      if (position !== undefined) {
        assert.match(e.message, new RegExp(`position ${position}\\)?$`));
        assert.equal(e.details.position, position);
      }
      return true;
    },
  );
}

test('the spec examples parse', () => {
  assert.deepEqual(
    parseFilter(
      "ExpirationTime gt datetime'2015-01-09T08:26:49.721Z' and ExpirationTime lt datetime'2015-02-10T08:26:49.722Z'",
    ),
    {
      kind: 'and',
      left: cmp('ExpirationTime', 'gt', dt('2015-01-09T08:26:49.721Z')),
      right: cmp('ExpirationTime', 'lt', dt('2015-02-10T08:26:49.722Z')),
    },
  );
  assert.deepEqual(parseFilter("DisplayName eq 'SQL File Access'"), cmp('DisplayName', 'eq', str('SQL File Access')));
  assert.deepEqual(
    parseFilter("CreationTime gt datetime'2015-06-12T04:49:32.431Z' and CreationTime lt datetime'2015-07-13T04:49:32.432Z'"),
    {
      kind: 'and',
      left: cmp('CreationTime', 'gt', dt('2015-06-12T04:49:32.431Z')),
      right: cmp('CreationTime', 'lt', dt('2015-07-13T04:49:32.432Z')),
    },
  );
});

test('every comparison operator', () => {
  for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) {
    assert.deepEqual(parseFilter(`TTL ${op} 3600`), cmp('TTL', op, num('3600')));
  }
});

test('and binds tighter than or, not tighter than and, parentheses override', () => {
  const a = cmp('A', 'eq', num('1'));
  const b = cmp('B', 'eq', num('2'));
  const c = cmp('C', 'eq', num('3'));
  assert.deepEqual(parseFilter('A eq 1 or B eq 2 and C eq 3'), { kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
  assert.deepEqual(parseFilter('A eq 1 and B eq 2 or C eq 3'), { kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
  assert.deepEqual(parseFilter('(A eq 1 or B eq 2) and C eq 3'), { kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
  assert.deepEqual(parseFilter('not A eq 1 and B eq 2'), { kind: 'and', left: { kind: 'not', expr: a }, right: b });
  assert.deepEqual(parseFilter('not (A eq 1 and B eq 2)'), { kind: 'not', expr: { kind: 'and', left: a, right: b } });
  assert.deepEqual(parseFilter('not not A eq 1'), { kind: 'not', expr: { kind: 'not', expr: a } });
  assert.deepEqual(parseFilter('not(A eq 1)'), { kind: 'not', expr: a });
});

test('and/or chains associate to the left', () => {
  const [a, b, c] = [cmp('A', 'eq', num('1')), cmp('B', 'eq', num('2')), cmp('C', 'eq', num('3'))];
  assert.deepEqual(parseFilter('A eq 1 and B eq 2 and C eq 3'), { kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
  assert.deepEqual(parseFilter('A eq 1 or B eq 2 or C eq 3'), { kind: 'or', left: { kind: 'or', left: a, right: b }, right: c });
});

test('whitespace is flexible where the text stays unambiguous', () => {
  const expected = cmp('A', 'eq', str('x'));
  assert.deepEqual(parseFilter("  A\teq\n'x'  "), expected);
  assert.deepEqual(parseFilter("A eq'x'"), expected);
  assert.deepEqual(parseFilter("(A eq 'x')"), expected);
  assert.deepEqual(parseFilter("(A eq 'x')or(A eq 'x')"), { kind: 'or', left: expected, right: expected });
});

test('strings: doubled quotes are one quote; anything else is taken literally', () => {
  assert.deepEqual(parseFilter("Justification eq 'it''s'"), cmp('Justification', 'eq', str("it's")));
  assert.deepEqual(parseFilter("Justification eq ''''"), cmp('Justification', 'eq', str("'")));
  assert.deepEqual(parseFilter("Justification eq ''"), cmp('Justification', 'eq', str('')));
  assert.deepEqual(parseFilter("Justification eq 'a and b or (c)'"), cmp('Justification', 'eq', str('a and b or (c)')));
  assert.deepEqual(parseFilter("Justification eq 'ünïcødé 😀'"), cmp('Justification', 'eq', str('ünïcødé 😀')));
});

test('a literal on the left flips the operator', () => {
  const flips: [CompareOp, CompareOp][] = [['eq', 'eq'], ['ne', 'ne'], ['gt', 'lt'], ['ge', 'le'], ['lt', 'gt'], ['le', 'ge']];
  for (const [written, meant] of flips) {
    assert.deepEqual(parseFilter(`3600 ${written} TTL`), cmp('TTL', meant, num('3600')));
  }
  assert.deepEqual(
    parseFilter("datetime'2015-01-09T08:26:49.721Z' lt ExpirationTime"),
    cmp('ExpirationTime', 'gt', dt('2015-01-09T08:26:49.721Z')),
  );
});

test('literal forms', () => {
  const g = 'c0112f13-b16b-40ad-b547-07f23a7fba52';
  assert.deepEqual(parseFilter(`RoleId eq guid'${g}'`), cmp('RoleId', 'eq', { type: 'guid', value: g }));
  assert.deepEqual(parseFilter(`RoleId eq GUID'${g.toUpperCase()}'`), cmp('RoleId', 'eq', { type: 'guid', value: g }));
  assert.deepEqual(parseFilter("T eq DateTime'2015-01-09T08:26'"), cmp('T', 'eq', dt('2015-01-09T08:26')));
  assert.deepEqual(parseFilter("T eq datetimeoffset'2015-01-09T08:26:49+02:00'"), cmp('T', 'eq', dt('2015-01-09T08:26:49+02:00')));
  assert.deepEqual(parseFilter("T eq datetime'0001-01-01T00:00:00'"), cmp('T', 'eq', dt('0001-01-01T00:00:00')));
  assert.deepEqual(parseFilter('N eq -12'), cmp('N', 'eq', { type: 'number', value: -12, raw: '-12' }));
  assert.deepEqual(parseFilter('N eq 3.25'), cmp('N', 'eq', { type: 'number', value: 3.25, raw: '3.25' }));
  assert.deepEqual(parseFilter('N eq -0.5'), cmp('N', 'eq', { type: 'number', value: -0.5, raw: '-0.5' }));
  assert.deepEqual(parseFilter('B eq true'), cmp('B', 'eq', { type: 'boolean', value: true }));
  assert.deepEqual(parseFilter('B ne false'), cmp('B', 'ne', { type: 'boolean', value: false }));
  assert.deepEqual(parseFilter('D eq null'), cmp('D', 'eq', { type: 'null' }));
  assert.deepEqual(
    parseFilter(`FIMRequestID/Value eq guid'${g}'`),
    cmp('FIMRequestID/Value', 'eq', { type: 'guid', value: g }),
  );
});

test('keywords and operators are case-sensitive, as in OData', () => {
  refuses('A EQ 1', /expected a comparison operator \(eq, ne, gt, ge, lt, le\) after 'A', found 'EQ' \(operators are lower-case\)/, 2);
  refuses('A eq 1 AND B eq 2', /expected 'and', 'or' or the end of the filter, found 'AND'/, 7);
  // Capitalised, True is just a name; a comparison of two names is refused.
  refuses('A eq True', /comparing two properties/);
});

test('errors name the problem and its position', () => {
  refuses("DisplayName 'x'", /^\$filter: expected a comparison operator \(eq, ne, gt, ge, lt, le\) after 'DisplayName', found 'x' at position 12$/, 12);
  refuses('DisplayName eq', /expected a value after 'eq' at end of input \(position 14\)$/, 14);
  refuses('DisplayName', /expected a comparison operator .* at end of input/, 11);
  refuses("DisplayName eq 'x' and", /expected a property name or a value at end of input/, 22);
  refuses("DisplayName eq 'x' and )", /expected a property name or a value, found '\)'/, 23);
  refuses('', /expected a condition/, 0);
  refuses('   ', /expected a condition/, 3);
  refuses('()', /expected a property name or a value, found '\)'/, 1);
  refuses('(A eq 1', /the '\(' at position 0 is never closed/, 7);
  refuses('(A eq 1 B', /expected '\)' to close the '\(' at position 0, found 'B'/, 8);
  refuses('A eq 1)', /unmatched '\)'/, 6);
  refuses('A eq 1 B eq 2', /expected 'and', 'or' or the end of the filter, found 'B'/, 7);
  refuses('A eq B', /comparing two properties \('A' and 'B'\) is not supported/, 0);
  refuses("1 eq 'x'", /needs a property on one side; '1' and 'x' are both values/, 0);
  refuses('A eq eq 1', /expected a value after 'eq', found the keyword 'eq'/, 5);
  refuses('and eq 1', /expected a property name or a value, found the keyword 'and'/, 0);
  refuses("startswith(DisplayName, 'SQL')", /functions such as 'startswith' are not supported/, 0);
  refuses("substringof('SQL', DisplayName) eq true", /functions such as 'substringof' are not supported/, 0);
  refuses('A eq 1, B eq 2', /expected 'and', 'or' or the end of the filter, found ','/, 6);
  refuses("A eq 'abc", /unterminated quoted text starting at position 5/, 5);
  refuses("A eq 'it''", /unterminated quoted text/, 5);
  refuses("A eq datetime'2015-01-09", /unterminated quoted text/, 13);
  refuses('A eq ~', /unexpected character '~'/, 5);
  refuses('A eq 😀', /unexpected character '😀'/, 5);
  refuses('A eq 1 && B eq 2', /unexpected character '&'/, 7);
  refuses('A eq 3L', /number suffixes and exponents are not supported/, 5);
  refuses('A eq 1.5e3', /number suffixes and exponents are not supported/, 5);
  refuses('A eq 1.5M', /number suffixes and exponents are not supported/, 5);
  refuses('A eq 12ab', /unexpected 'a' after the number '12'/, 7);
  refuses('A eq -', /expected digits after '-'/, 5);
  refuses('A eq - 1', /expected digits after '-'/, 5);
  refuses('A eq 1.', /expected digits after the decimal point/, 5);
  refuses(`A eq ${'9'.repeat(400)}`, /the number '9{37}\.\.\.' is too large/, 5);
  refuses('A/ eq 1', /expected a property name after '\/'/, 2);
  refuses("A eq X'00FF'", /unsupported typed literal 'X' \(supported: datetime'\.\.\.', datetimeoffset'\.\.\.', guid'\.\.\.'\)/, 5);
  refuses("A eq time'PT1H'", /unsupported typed literal 'time'/, 5);
  refuses("A eq guid'xyz'", /guid'xyz' is not a GUID \(expected 8-4-4-4-12 hexadecimal digits\)/, 5);
  refuses("A eq guid'c0112f13b16b40adb54707f23a7fba52'", /is not a GUID/, 5);
  refuses("A eq guid'g0112f13-b16b-40ad-b547-07f23a7fba52'", /is not a GUID/, 5);
  refuses("A eq datetime'2015-13-01T00:00:00Z'", /datetime'2015-13-01T00:00:00Z' is not a valid date and time \(month 13 does not exist\)/, 5);
  refuses("A eq datetime'2015-02-30T00:00:00Z'", /day 30 does not exist in month 2 of 2015/, 5);
  refuses("A eq datetime'yesterday'", /is not a valid date and time/, 5);
});

test('messages quote at most a short excerpt of long input', () => {
  assert.throws(
    () => parseFilter(`A eq '${'x'.repeat(3000)}`),
    (e: unknown) => e instanceof DomainError && e.message.length < 200,
  );
  assert.throws(
    () => parseFilter(`${'Q'.repeat(3000)} 1`),
    (e: unknown) => e instanceof DomainError && e.message.length < 200,
  );
});

test('input length is limited', () => {
  const padded = `A eq '${'x'.repeat(MAX_FILTER_LENGTH - 7)}'`;
  assert.equal(padded.length, MAX_FILTER_LENGTH);
  assert.equal(parseFilter(padded).kind, 'compare');
  refuses(`${padded} `, new RegExp(`is ${MAX_FILTER_LENGTH + 1} characters long; the limit is ${MAX_FILTER_LENGTH}`));
});

test('nesting depth is limited for parentheses and not', () => {
  const nested = (n: number): string => `${'('.repeat(n)}A eq 1${')'.repeat(n)}`;
  assert.equal(parseFilter(nested(MAX_FILTER_DEPTH)).kind, 'compare');
  refuses(nested(MAX_FILTER_DEPTH + 1), /nests parentheses or 'not' more than 64 deep/, MAX_FILTER_DEPTH);
  assert.equal(parseFilter(`${'not '.repeat(MAX_FILTER_DEPTH)}A eq 1`).kind, 'not');
  refuses(`${'not '.repeat(MAX_FILTER_DEPTH + 1)}A eq 1`, /more than 64 deep/);
  refuses(`${'not ('.repeat(40)}A eq 1${')'.repeat(40)}`, /more than 64 deep/);
  // Thousands of openers stop at the limit rather than at the stack's.
  refuses('('.repeat(4000), /more than 64 deep/);
});

test('a long flat chain is parsed without recursion', () => {
  const parts = Array.from({ length: 400 }, () => 'A eq 1');
  const text = parts.join(' or ');
  assert.ok(text.length <= MAX_FILTER_LENGTH);
  let e = parseFilter(text);
  let n = 1;
  while (e.kind === 'or') {
    e = e.left;
    n++;
  }
  assert.equal(n, 400);
});

test('non-text input is refused as a bad request', () => {
  refuses(42 as unknown as string, /must be text/);
  refuses(['A eq 1'] as unknown as string, /must be text/);
});
