import type { Deps } from './deps.js';
import { type DueWorkReport, runDueWork } from './run-due-work.js';

/**
 * Drives runDueWork: at start (catching up on anything due while the server was down), on every
 * tick, and early when the next due instant is sooner than the tick. The store stays the truth;
 * the timer is only a hint to look again.
 */
export class DueWorkLoop {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #again = false;

  constructor(
    private readonly deps: Deps,
    private readonly tickMs: number,
    private readonly onReport: (r: DueWorkReport) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Runs one pass now and keeps running until stop(). Resolves after the first pass. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.poke();
  }

  /** Looks for due work now (e.g. after a request was created with a near deadline). */
  poke(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#pass().finally(() => {
      this.#running = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.poke();
      } else this.#schedule();
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  async #pass(): Promise<void> {
    try {
      const report = await runDueWork(this.deps);
      if (report.processed > 0 || report.failed > 0) this.onReport(report);
    } catch (e) {
      this.onError(e);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    void this.deps.store
      .transaction((tx) => tx.requests.nextDueAt())
      .catch(() => null)
      .then((next) => {
        if (this.#stopped) return;
        const wait = next === null ? this.tickMs : Math.max(0, Math.min(this.tickMs, next - this.deps.clock.now()));
        this.#timer = setTimeout(() => void this.poke(), wait);
        this.#timer.unref();
      });
  }
}
