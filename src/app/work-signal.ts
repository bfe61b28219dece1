/**
 * Raised after a committed transaction wrote work for the scheduler (a due instant, an outbox job),
 * so the due-work loop looks now rather than at its next tick. Raised after the commit, never
 * before: the scheduler must find what was written. The store stays the truth; a missed signal only
 * means the work waits for the tick.
 */
export class WorkSignal {
  readonly #listeners = new Set<() => void>();

  raise(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` on every raise until the returned function is called. */
  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
