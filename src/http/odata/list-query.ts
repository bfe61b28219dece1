import { DomainError } from '../../domain/errors.js';
import { REQUEST_STATUSES } from '../../domain/request/request.js';
import type { CompareOp, FieldType, FilterExpr, FilterValue, ListQuery, OrderBy } from '../../ports/filter.js';
import { type WireExpr, type WireLiteral, MAX_FILTER_LENGTH, parseFilter } from './filter-parser.js';
import { type ResourceProperties, type WireProperty, resolveProperty } from './resource-properties.js';
import { parseTimeOfDay, tryParseWireDateTime } from './wire-time.js';

export const MAX_TOP = 10_000;
export const MAX_SKIP = 1_000_000_000;

const SUPPORTED_OPTIONS = ['$filter', '$orderby', '$top', '$skip'];
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ORDERING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['gt', 'ge', 'lt', 'le']);
/** Types whose values have no useful order, so gt/ge/lt/le on them is a mistake worth reporting. */
const UNORDERED: ReadonlySet<FieldType> = new Set<FieldType>(['boolean', 'guid', 'status']);

const EXPECTED: Readonly<Record<FieldType, string>> = {
  guid: "a GUID such as guid'c0112f13-b16b-40ad-b547-07f23a7fba52'",
  string: "a string in single quotes such as 'text'",
  datetime: "a date and time such as datetime'2015-01-09T08:26:49.721Z'",
  timeofday: "a time of day written as that time on day 0001-01-01, such as datetime'0001-01-01T08:00:00'",
  seconds: "a whole number of seconds such as 3600 or '3600'",
  boolean: 'true or false',
  status: `a request status in single quotes (one of ${REQUEST_STATUSES.join(', ')})`,
};

const LITERAL_KIND: Readonly<Record<WireLiteral['type'], string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  datetime: 'a date and time',
  guid: 'a GUID',
};

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function literalText(v: WireLiteral): string {
  switch (v.type) {
    case 'string':
      return `'${clip(v.value).replace(/'/g, "''")}'`;
    case 'number':
      return clip(v.raw);
    case 'boolean':
      return String(v.value);
    case 'null':
      return 'null';
    case 'datetime':
      return `datetime'${clip(v.raw)}'`;
    case 'guid':
      return `guid'${v.value}'`;
  }
}

function bindValue<F extends string>(p: WireProperty<F>, op: CompareOp, v: WireLiteral): FilterValue {
  const comparison = `${p.name} ${op} ${literalText(v)}`;
  const refuse = (why: string): never => {
    throw new DomainError('BadRequest', `$filter: in "${comparison}", ${why}`, { parameter: '$filter', property: p.name });
  };
  const mismatch = (): never => refuse(`${p.name} takes ${EXPECTED[p.type]}, not ${LITERAL_KIND[v.type]}`);

  if (v.type === 'null') {
    // Null has no place in an order; eq/ne null are the only questions that make sense.
    if (ORDERING_OPS.has(op)) refuse(`null can only be compared with eq or ne`);
    return null;
  }
  if (ORDERING_OPS.has(op) && UNORDERED.has(p.type)) {
    refuse(`'${op}' cannot be used with ${p.name} (${p.type === 'status' ? 'a request status' : `a ${p.type}`}); use eq or ne`);
  }
  switch (p.type) {
    case 'guid':
      if (v.type === 'guid') return v.value;
      // Clients often quote a GUID as a plain string; the meaning is unambiguous.
      if (v.type === 'string') {
        if (!GUID.test(v.value)) refuse(`${literalText(v)} is not a GUID; ${p.name} takes ${EXPECTED.guid}`);
        return v.value.toLowerCase();
      }
      return mismatch();
    case 'string':
      return v.type === 'string' ? v.value : mismatch();
    case 'datetime': {
      if (v.type !== 'datetime') return mismatch();
      const r = tryParseWireDateTime(v.raw);
      return r.ok ? r.at : refuse(`${literalText(v)} is not a valid date and time (${r.reason})`);
    }
    case 'timeofday':
      if (v.type !== 'datetime') return mismatch();
      try {
        return parseTimeOfDay(v.raw);
      } catch (e) {
        return refuse(e instanceof Error ? e.message : String(e));
      }
    case 'seconds':
      // The wire shows durations as strings ("3600"), so a quoted whole number is the same value.
      if (v.type === 'number') {
        if (!Number.isSafeInteger(v.value) || v.value < 0) refuse(`${p.name} takes ${EXPECTED.seconds}; ${v.raw} is not one`);
        return v.value + 0; // folds -0 into 0
      }
      if (v.type === 'string') {
        if (!/^\d{1,15}$/.test(v.value)) refuse(`${p.name} takes ${EXPECTED.seconds}; ${literalText(v)} is not one`);
        return Number(v.value);
      }
      return mismatch();
    case 'boolean':
      return v.type === 'boolean' ? v.value : mismatch();
    case 'status':
      if (v.type !== 'string') return mismatch();
      if (!(REQUEST_STATUSES as readonly string[]).includes(v.value)) {
        refuse(`${literalText(v)} is not a request status; use one of ${REQUEST_STATUSES.join(', ')} (case-sensitive)`);
      }
      return v.value;
  }
}

/** Replaces wire names with neutral fields and wire literals with domain values, checking types. */
export function bindFilter<F extends string>(expr: WireExpr, props: ResourceProperties<F>): FilterExpr<F> {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { kind: expr.kind, left: bindFilter(expr.left, props), right: bindFilter(expr.right, props) };
    case 'not':
      return { kind: 'not', expr: bindFilter(expr.expr, props) };
    case 'compare': {
      const p = resolveProperty(props, expr.property, '$filter');
      return { kind: 'compare', op: expr.op, field: p.field, value: bindValue(p, expr.op, expr.value) };
    }
  }
}

function badOption(option: string, message: string): never {
  throw new DomainError('BadRequest', `${option}: ${message}`, { parameter: option });
}

function parseOrderBy<F extends string>(text: string, props: ResourceProperties<F>): OrderBy<F>[] {
  if (text.length > MAX_FILTER_LENGTH) badOption('$orderby', `is longer than ${MAX_FILTER_LENGTH} characters`);
  const seen = new Set<F>();
  return text.split(',').map((item) => {
    const words = item.trim().split(/\s+/);
    const [name, direction, extra] = words;
    if (!name) badOption('$orderby', "expected a property name between commas, e.g. 'CreationTime desc, DisplayName'");
    if (extra !== undefined || (direction !== undefined && direction !== 'asc' && direction !== 'desc')) {
      badOption('$orderby', `expected 'Property', 'Property asc' or 'Property desc' (lower-case), got '${clip(item.trim())}'`);
    }
    const p = resolveProperty(props, name, '$orderby');
    if (seen.has(p.field)) badOption('$orderby', `${p.name} is listed more than once`);
    seen.add(p.field);
    return { field: p.field, descending: direction === 'desc' };
  });
}

function parseCount(option: string, text: string, max: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) badOption(option, `expected a whole number from 0 to ${max}, got '${clip(t)}'`);
  const n = Number(t);
  if (n > max) badOption(option, `${clip(t)} is larger than the limit of ${max}`);
  return n;
}

/**
 * Reads the OData system query options this API supports. Other `$` options are refused rather than
 * ignored, since a client that sent `$select` or `$expand` would otherwise misread the answer.
 * Parameters without `$` (such as `v`) belong to the caller.
 */
export function parseListQuery<F extends string>(query: Record<string, unknown>, props: ResourceProperties<F>): ListQuery<F> {
  const texts = new Map<string, string>();
  for (const key of Object.keys(query)) {
    if (!key.startsWith('$')) continue;
    const shownKey = clip(key);
    if (!SUPPORTED_OPTIONS.includes(key)) {
      const lower = SUPPORTED_OPTIONS.find((o) => o === key.toLowerCase());
      const hint = lower ? ` (did you mean '${lower}'? option names are lower-case)` : '';
      badOption(shownKey, `the query option is not supported${hint}; supported options: ${SUPPORTED_OPTIONS.join(', ')}`);
    }
    const value = query[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) badOption(key, 'is given more than once; give it once');
    if (typeof value !== 'string') badOption(key, 'must be a single text value');
    // A blank option is the same as none: form serializers send empty fields.
    if (value.trim() !== '') texts.set(key, value);
  }

  const filterText = texts.get('$filter');
  const orderText = texts.get('$orderby');
  const topText = texts.get('$top');
  const skipText = texts.get('$skip');
  return {
    filter: filterText === undefined ? null : bindFilter(parseFilter(filterText), props),
    orderBy: orderText === undefined ? [] : parseOrderBy(orderText, props),
    top: topText === undefined ? null : parseCount('$top', topText, MAX_TOP),
    skip: skipText === undefined ? 0 : parseCount('$skip', skipText, MAX_SKIP),
  };
}
