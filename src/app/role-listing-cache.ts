import type { RoleSummary } from '../domain/role/role.js';

interface Entry {
  /** The store's change counts (AccountRepo.changeCounts) read before the listing itself. */
  readonly version: string;
  readonly roles: readonly RoleSummary[];
}

/**
 * Each caller's plain role listing (GET pamroles with no query options, nearly every call), kept
 * while the store's listing version stays the same. The version is read before the listing, so a
 * change committed in between leaves an entry that is merely refreshed once more, never a stale one.
 */
export class RoleListingCache {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The listing kept for `accountId` at `version`, or undefined. */
  get(accountId: string, version: string): readonly RoleSummary[] | undefined {
    const e = this.#entries.get(accountId);
    return e?.version === version ? e.roles : undefined;
  }

  set(accountId: string, version: string, roles: readonly RoleSummary[]): void {
    this.#entries.delete(accountId);
    // Oldest first out: Map keeps insertion order, and a refreshed entry moves to the end.
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(accountId, { version, roles: Object.freeze([...roles]) });
  }
}
