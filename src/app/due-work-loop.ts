import type { Deps } from './deps.js';
import { PassLoop } from './pass-loop.js';
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
  readonly #loop: PassLoop;

  constructor(
    private readonly deps: Deps,
    tickMs: number,
    private readonly onReport: (r: DueWorkReport) => void,
    private readonly onError: (e: unknown) => void,
    private readonly outbox: OutboxPass | null = null,
  ) {
    this.#loop = new PassLoop(deps, tickMs, () => this.#pass(), () => this.#nextAt());
  }

  /** Runs one pass now and keeps running until stop(). Resolves after the first pass. */
  start(): Promise<void> {
    return this.#loop.start();
  }

  /** Looks for due work now (e.g. after a request was created with a near deadline). */
  poke(): Promise<void> {
    return this.#loop.poke();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
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

  #nextAt(): Promise<number | null> {
    return this.deps.store.read(async (tx) => {
      const due = await tx.requests.nextDueAt();
      const retry = this.outbox ? await tx.outbox.nextAttemptAt() : null;
      return due === null ? retry : retry === null ? due : Math.min(due, retry);
    });
  }
}
