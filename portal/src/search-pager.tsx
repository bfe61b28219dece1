import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { PageAsk, Paged } from './api.js';
import { Empty, ErrorBox, Loading, useLoad } from './ui.js';

/** How many rows an admin list shows at once: enough to scan, few enough for a phone. */
export const PAGE_SIZE = 25;

/**
 * An admin listing searched and paged on the server: a search box, the page, and Previous / Next
 * with "21–40 of 93" read out to screen readers when it changes.
 */
export function SearchPaged<T>({ what, label, empty, load, children }: { what: string; label: string; empty?: string; load: (p: PageAsk) => Promise<Paged<T>>; children: (items: T[], reload: () => Promise<void>) => ComponentChildren }) {
  const [search, setSearch] = useState('');
  const [skip, setSkip] = useState(0);
  const page = useLoad(() => load({ search, skip, top: PAGE_SIZE }), [search, skip]);
  const d = page.data;
  return (
    <>
      <form class="filters" role="search" aria-label={`Search ${what}`} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for={`search-${what}`}>{label}</label>
          <input
            id={`search-${what}`}
            type="search"
            name="search"
            maxLength={100}
            value={search}
            onInput={(e) => {
              setSearch((e.currentTarget as HTMLInputElement).value);
              setSkip(0);
            }}
          />
        </div>
      </form>
      <ErrorBox error={page.error} />
      {!d && !page.error && <Loading what={what} />}
      {d && d.total === 0 && <Empty>{search ? `No ${what} match “${search}”.` : (empty ?? `No ${what}.`)}</Empty>}
      {d && d.total > 0 && children(d.value, page.reload)}
      {d && d.total > 0 && (
        <nav class="pager" aria-label={`Pages of ${what}`}>
          <button type="button" disabled={skip === 0} onClick={() => setSkip(Math.max(0, skip - PAGE_SIZE))}>
            Previous<span class="sr-only"> page of {what}</span>
          </button>
          <span role="status" aria-live="polite">
            {d.skip + 1}–{d.skip + d.value.length} of {d.total}
          </span>
          <button type="button" disabled={d.nextSkip === null} onClick={() => d.nextSkip !== null && setSkip(d.nextSkip)}>
            Next<span class="sr-only"> page of {what}</span>
          </button>
        </nav>
      )}
    </>
  );
}
