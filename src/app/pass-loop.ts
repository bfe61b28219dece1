import type { Instant } from '../domain/time.js';
import type { Deps } from './deps.js';

/**
 * Runs `pass` at start, whenever a commit wrote work (deps.workWritten), and again at `nextAt` (or
 * every `tickMs`, whichever is sooner). A poke during a pass runs one more pass after it, never two
 * at once. The store stays the truth; the timer is only a hint to look again.
 */
export class PassLoop {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #again = false;
  #unlisten: (() => void) | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly tickMs: number,
    private readonly pass: () => Promise<void>,
    private readonly nextAt: () => Promise<Instant | null>,
  ) {}

  /** Runs one pass now and keeps running until stop(). Resolves after the first pass. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#unlisten ??= this.deps.workWritten.listen(() => void this.poke());
    await this.poke();
  }

  poke(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.pass().finally(() => {
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

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    void this.nextAt()
      .catch(() => null)
      .then((next) => {
        if (this.#stopped) return;
        const wait = next === null ? this.tickMs : Math.max(0, Math.min(this.tickMs, next - this.deps.clock.now()));
        this.#timer = setTimeout(() => void this.poke(), wait);
        this.#timer.unref();
      });
  }
}
