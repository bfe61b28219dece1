/** Longest search text accepted: a name, not a document. */
export const MAX_SEARCH_LENGTH = 100;

/** What an administrator typed into a picker, for matching: trimmed, any case; blank means everything (null). */
export function searchText(raw: string | undefined): string | null {
  const t = (raw ?? '').trim().toLowerCase();
  return t === '' ? null : t;
}

/** Whether any of the fields contains the search text, ignoring case (null search: everything matches). */
export function matchesSearch(search: string | null, fields: readonly (string | null | undefined)[]): boolean {
  return search === null || fields.some((f) => f != null && f.toLowerCase().includes(search));
}
