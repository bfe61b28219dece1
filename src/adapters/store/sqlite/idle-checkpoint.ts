/**
 * Keeps SQLite's WAL checkpoint off the path of a burst of writes. By default SQLite copies the WAL
 * back into the database inside whichever COMMIT takes the WAL past 1,000 pages (4 MB): during a
 * mass expiry that is every few batches, each time an extra random write of thousands of pages and
 * an fsync while the scheduler waits. Here the automatic checkpoint only starts at a larger WAL
 * (`AUTO_CHECKPOINT_PAGES`, the bound under sustained writes), and a PASSIVE checkpoint (which
 * waits for no reader or writer) runs once the store has had no write for `idleMs`.
 */
export const AUTO_CHECKPOINT_PAGES = 10_000;

export class IdleCheckpoint {
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  /** `checkpoint` runs with the connection held, so never inside a transaction or a read. */
  constructor(
    private readonly checkpoint: () => Promise<void>,
    private readonly idleMs = 500,
  ) {}

  /** A write group committed: checkpoint once no other follows for `idleMs`. */
  wrote(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // Best effort: a failure leaves the WAL to the automatic checkpoint.
      void this.checkpoint().catch(() => {});
    }, this.idleMs);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
