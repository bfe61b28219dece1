import { type RawBuilder, sql } from 'kysely';
import type { GroupAccount } from '../../../ports/store.js';

/** The SQL types a column of a JSON-passed table takes (each store casts the JSON cell to it). */
export type CellType = 'text' | 'bigint' | 'integer';

export interface JsonColumn {
  readonly name: string;
  readonly type: CellType;
}

/** A row of cells, one per column and in the columns' order. */
export type JsonRow = readonly (string | number | null)[];

/**
 * A derived table of `rows` bound as ONE parameter (a JSON array of arrays): a bulk statement then
 * has the same text and a single value whatever its size, so the store parses and plans it once per
 * batch, and building it costs no per-value work in Kysely (a VALUES list of 200 rows bound ~4,000
 * parameters, each compiled, cast and sent separately). Each store reads the JSON with its own
 * functions; the result has the same columns, named and typed, on both.
 */
export type JsonRowsSql = (rows: readonly JsonRow[], columns: readonly JsonColumn[]) => RawBuilder<unknown>;

/** Rows per JSON-passed statement: one parameter whatever the count, so only memory bounds it. */
export const JSON_ROWS_PER_STATEMENT = 5000;

const cellsJson = (rows: readonly JsonRow[]) => JSON.stringify(rows);

/**
 * SQLite: jsonb_each yields the array's elements, each row already parsed (SQLite's binary JSON,
 * 3.45 and later), so `->>` with an index takes a cell as an SQL value without parsing text again:
 * json_each would hand each row back as text and every cell would re-parse it (three times slower).
 */
export const sqliteJsonRows: JsonRowsSql = (rows, columns) =>
  sql`(select ${sql.join(columns.map((c, i) => sql`value ->> ${sql.lit(i)} as ${sql.ref(c.name)}`))} from jsonb_each(${cellsJson(rows)}))`;

/** PostgreSQL: jsonb_array_elements yields the rows; `->>` gives each cell as text, cast to its column's type. */
export const postgresJsonRows: JsonRowsSql = (rows, columns) =>
  sql`(select ${sql.join(columns.map((c, i) => sql`cast(r.v ->> ${sql.lit(i)} as ${sql.raw(c.type)}) as ${sql.ref(c.name)}`))} from jsonb_array_elements(cast(${cellsJson(rows)} as jsonb)) as r(v))`;

/** (group, account) pairs as a JSON-passed table with columns group_id and account_id. */
export const groupAccountRows = (jsonRows: JsonRowsSql, pairs: readonly GroupAccount[]): RawBuilder<unknown> =>
  jsonRows(
    pairs.map((p) => [p.groupId, p.accountId]),
    [
      { name: 'group_id', type: 'text' },
      { name: 'account_id', type: 'text' },
    ],
  );
