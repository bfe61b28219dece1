/** Which slice of a list to answer: `skip` items, then at most `top` (null: all the rest). */
export interface PageRequest {
  readonly skip: number;
  readonly top: number | null;
}

/** One page of a list, with how many there are in all so a pager can say "21–40 of 93". */
export interface Page<T> {
  readonly value: T[];
  readonly total: number;
  readonly skip: number;
  /** Where the next page starts, or null on the last page. */
  readonly nextSkip: number | null;
}

export const ALL: PageRequest = { skip: 0, top: null };

/** The page of rows the store sliced at `p.skip`, of `total` matches in all. */
export function pageFrom<T>(value: T[], total: number, p: PageRequest): Page<T> {
  const end = p.skip + value.length;
  return { value, total, skip: p.skip, nextSkip: end < total ? end : null };
}
