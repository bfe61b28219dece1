import { type Expression, type SqlBool, sql } from 'kysely';
import type { NamePageQuery } from '../../../ports/store.js';
import type { ListableQuery } from './filter-sql.js';

/**
 * `%text%` for LIKE, with the text's own `%`, `_` and `\` escaped: a search for "50%" finds
 * "50%", not everything starting with "50". Always a bound parameter, never spliced into SQL.
 */
export const containsPattern = (lowerText: string): string => `%${lowerText.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * `expr LIKE pattern ESCAPE '\'` on both stores. `expr` must already be lower-case (a stored key,
 * or lower(column)): SQLite's LIKE folds ASCII only and PostgreSQL's LIKE not at all.
 */
export const likes = (expr: Expression<unknown>, pattern: string): Expression<SqlBool> => sql<SqlBool>`${expr} like ${pattern} escape ${sql.lit('\\')}`;

/** The page of `q` on an ordered select (SQLite needs a LIMIT before an OFFSET). */
export function slicePage<QB extends ListableQuery<QB>>(qb: QB, q: NamePageQuery): QB {
  let out = qb.limit(q.top ?? Number.MAX_SAFE_INTEGER);
  if (q.skip > 0) out = out.offset(q.skip);
  return out;
}
