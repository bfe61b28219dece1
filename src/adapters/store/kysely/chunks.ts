/**
 * Bulk statements bind a parameter per value, and both stores cap how many one statement may bind
 * (SQLite 32,766, PostgreSQL 65,535): bulk methods split their input into slices of `size`.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** At most this many values bound in one statement: far below both stores' limits. */
export const MAX_BOUND = 10_000;
