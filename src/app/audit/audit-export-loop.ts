import type { Instant } from '../../domain/time.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import type { Deps } from '../deps.js';
import { backoffMs } from '../outbox/run-outbox.js';
import { PassLoop } from '../pass-loop.js';
import { type AuditExportOptions, type AuditExportReport, exportAuditPass } from './export-audit.js';

/**
 * One loop per sink, each on its own: a receiver that is down or slow (bounded by the send timeout)
 * delays only its own sink, which retries with backoff, never another sink, the scheduler or the
 * API. Runs at start (what a crash left unsent goes out now), whenever a commit wrote work, and
 * every tick (a node that does not hold the lease looks again whether it lapsed).
 */
export class AuditExportLoop {
  readonly #loop: PassLoop;
  #failures = 0;
  #retryAt: Instant | null = null;

  constructor(
    private readonly deps: Deps,
    readonly sink: AuditSink,
    private readonly opts: AuditExportOptions,
    tickMs: number,
    onReport: (r: AuditExportReport) => void,
    onError: (e: unknown) => void,
  ) {
    const pass = async () => {
      if (this.#retryAt !== null && deps.clock.now() < this.#retryAt) return;
      try {
        const r = await exportAuditPass(deps, sink, opts);
        this.#failures = r.error === null ? 0 : this.#failures + 1;
        this.#retryAt = r.error === null ? null : deps.clock.now() + backoffMs(this.#failures);
        onReport(r);
      } catch (e) {
        this.#failures++;
        this.#retryAt = deps.clock.now() + backoffMs(this.#failures);
        onError(e);
      }
    };
    this.#loop = new PassLoop(deps, tickMs, pass, async () => this.#retryAt);
  }

  start(): Promise<void> {
    return this.#loop.start();
  }

  /**
   * Sends what is left (the checkpoint signed at shutdown among it; bounded by the send timeout),
   * stops, lets the lease go so another node takes over at once, and closes the sink.
   */
  async stop(): Promise<void> {
    await this.#loop.poke();
    await this.#loop.stop();
    try {
      await this.deps.store.transaction((tx) => tx.auditExport.release(this.sink.name, this.opts.holder));
    } finally {
      await this.sink.close();
    }
  }
}
