import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { CompareOp, FilterExpr, FilterValue, ListQuery } from '../../../ports/filter.js';

/** How one neutral field reads in SQL: an expression, and how its values are encoded. */
export interface ColumnSpec {
  readonly expr: Expression<unknown>;
  readonly encode?: (v: Exclude<FilterValue, null>) => unknown;
}

export type ColumnMap<F extends string> = Readonly<Record<F, ColumnSpec>>;

const OPS: Readonly<Record<CompareOp, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

export const boolColumn = (expr: Expression<unknown>): ColumnSpec => ({ expr, encode: (v) => (v ? 1 : 0) });

/**
 * Compiles a bound filter to a WHERE expression. Field names come from a closed map and values
 * are always bound parameters: nothing from the client is ever spliced into SQL text.
 */
export function compileFilter<F extends string>(e: FilterExpr<F>, cols: ColumnMap<F>, textHoldsNul = true): RawBuilder<SqlBool> {
  switch (e.kind) {
    case 'and':
      return sql<SqlBool>`(${compileFilter(e.left, cols, textHoldsNul)} and ${compileFilter(e.right, cols, textHoldsNul)})`;
    case 'or':
      return sql<SqlBool>`(${compileFilter(e.left, cols, textHoldsNul)} or ${compileFilter(e.right, cols, textHoldsNul)})`;
    case 'not':
      return sql<SqlBool>`(not ${compileFilter(e.expr, cols, textHoldsNul)})`;
    case 'compare': {
      const col = cols[e.field];
      if (!col) throw new Error(`no column for field ${e.field}`);
      if (e.value === null) {
        return e.op === 'eq' ? sql<SqlBool>`(${col.expr} is null)` : sql<SqlBool>`(${col.expr} is not null)`;
      }
      if (!textHoldsNul && typeof e.value === 'string' && e.value.includes('\0')) return compareNul(col.expr, e.op, e.value);
      const v = col.encode ? col.encode(e.value) : e.value;
      // OData compares null with a value as false (and `ne` as true), never as unknown: two-valued
      // logic keeps `not (X eq 'a')` the exact complement of `X eq 'a'` where X is null.
      if (e.op === 'ne') return sql<SqlBool>`(${col.expr} is null or ${col.expr} <> ${v})`;
      return sql<SqlBool>`(${col.expr} is not null and ${col.expr} ${sql.raw(OPS[e.op])} ${v})`;
    }
  }
}

/**
 * A string with U+0000 cannot be bound where text cannot hold it, but the comparison still has an
 * exact answer, since no stored value holds one: nothing equals it, and in code-point order a stored
 * string is above `p\0…` exactly when it is above `p`, the part before the first U+0000.
 */
function compareNul(expr: Expression<unknown>, op: CompareOp, value: string): RawBuilder<SqlBool> {
  const p = value.slice(0, value.indexOf('\0'));
  switch (op) {
    case 'eq':
      return sql<SqlBool>`(1 = 0)`;
    case 'ne':
      return sql<SqlBool>`(1 = 1)`;
    case 'gt':
    case 'ge':
      return sql<SqlBool>`(${expr} is not null and ${expr} > ${p})`;
    case 'lt':
    case 'le':
      return sql<SqlBool>`(${expr} is not null and ${expr} <= ${p})`;
  }
}

/** Applies filter, order and paging of `q` to a select, with `tiebreak` last so pages are stable. */
export function applyListQuery<F extends string, QB extends ListableQuery<QB>>(
  qb: QB,
  q: ListQuery<F>,
  cols: ColumnMap<F>,
  defaultOrder: readonly { expr: Expression<unknown>; descending: boolean }[],
  textHoldsNul = true,
): QB {
  let out = q.filter ? qb.where(compileFilter(q.filter, cols, textHoldsNul)) : qb;
  const order = q.orderBy.length > 0
    ? [...q.orderBy.map((o) => ({ expr: cols[o.field].expr, descending: o.descending })), ...defaultOrder]
    : defaultOrder;
  for (const o of order) out = out.orderBy(o.expr, o.descending ? 'desc' : 'asc');
  if (q.top !== null) out = out.limit(q.top);
  // SQLite needs a LIMIT before OFFSET; the largest safe integer is portable to PostgreSQL.
  else if (q.skip > 0) out = out.limit(Number.MAX_SAFE_INTEGER);
  if (q.skip > 0) out = out.offset(q.skip);
  return out;
}

/** A listing with no $filter, $orderby, $top or $skip: its SQL is always the same. */
export { isPlain } from '../../../ports/filter.js';

/** The slice of Kysely's SelectQueryBuilder that listing needs. */
export interface ListableQuery<Self> {
  where(e: Expression<SqlBool>): Self;
  orderBy(e: Expression<unknown>, dir: 'asc' | 'desc'): Self;
  limit(n: number): Self;
  offset(n: number): Self;
}
