import type { Deps } from './deps.js';
import type { OutboxReport } from './outbox/run-outbox.js';
import { type DueWorkReport, runDueWork } from './run-due-work.js';

/** The outbox side of a pass: apply due jobs, and say when the next one may be tried. */
export interface OutboxPass {
  run(): Promise<OutboxReport>;
  onReport(r: OutboxReport): void;
}

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
  #unlisten: (() => void) | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly tickMs: number,
    private readonly onReport: (r: DueWorkReport) => void,
    private readonly onError: (e: unknown) => void,
    private readonly outbox: OutboxPass | null = null,
  ) {}

  /** Runs one pass now and keeps running until stop(). Resolves after the first pass. */
  async start(): Promise<void> {
    this.#stopped = false;
    // A use case that wrote due work or outbox jobs says so after its commit: look now.
    this.#unlisten ??= this.deps.workWritten.listen(() => void this.poke());
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
    this.#unlisten?.();
    this.#unlisten = null;
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
    if (!this.outbox) return;
    try {
      // Jobs the due work just wrote (revokes of expiries) go out in the same pass.
      const report = await this.outbox.run();
      if (report.applied > 0 || report.failed.length > 0) this.outbox.onReport(report);
    } catch (e) {
      this.onError(e);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    void this.deps.store
      .read(async (tx) => {
        const due = await tx.requests.nextDueAt();
        const retry = this.outbox ? await tx.outbox.nextAttemptAt() : null;
        return due === null ? retry : retry === null ? due : Math.min(due, retry);
      })
      .catch(() => null)
      .then((next) => {
        if (this.#stopped) return;
        const wait = next === null ? this.tickMs : Math.max(0, Math.min(this.tickMs, next - this.deps.clock.now()));
        this.#timer = setTimeout(() => void this.poke(), wait);
        this.#timer.unref();
      });
  }
}
