import { z } from 'zod';
import { MAX_SEARCH_LENGTH } from '../../app/admin/name-search.js';
import type { PageRequest } from '../../app/admin/paging.js';

/** Most items one page may hold; a client wanting everything pages through. */
export const MAX_TOP = 1000;

const count = (max: number) => z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(0).max(max));

/**
 * `?search=&skip=&top=` on every admin listing. Without `top` the whole (searched) list comes back,
 * as before paging existed, so old scripts and the CLI keep working. Too long, not a number or given
 * twice is a 400, not a silent cut.
 */
export const listQuery = z.object({
  search: z.string().max(MAX_SEARCH_LENGTH).optional(),
  skip: count(10_000_000).optional(),
  top: count(MAX_TOP).pipe(z.number().min(1)).optional(),
});

export type AdminListQuery = z.output<typeof listQuery>;

/** The page a validated listing query asks for. */
export const pageRequestOf = (q: AdminListQuery): PageRequest => ({ skip: q.skip ?? 0, top: q.top ?? null });

/** What a paged listing answers: the page, how many in all, and where the next page starts. */
export const pageWire = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ value: z.array(item), total: z.number().int(), skip: z.number().int(), nextSkip: z.number().int().nullable() });
