/**
 * One page of an administrator's list, searched and sliced by the store itself (LIMIT/OFFSET and
 * COUNT in SQL), so a list of 20,000 users costs one page of rows, not the whole table.
 */
export interface NamePageQuery {
  /** Lower-case text the name fields must contain (null: every row). */
  readonly search: string | null;
  readonly skip: number;
  /** At most this many rows (null: all the rest). */
  readonly top: number | null;
}

/** The rows of one page and how many match in all. */
export interface RowsPage<T> {
  readonly rows: T[];
  readonly total: number;
}
