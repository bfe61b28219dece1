import { DomainError } from '../domain/errors.js';

export interface VerificationLimits {
  /** Password checks running at once. */
  readonly concurrency: number;
  /** Checks waiting for a turn; beyond this, refused with SignInBusy. */
  readonly queue: number;
  /** Checks one address may have running or waiting. */
  readonly perAddress: number;
  /** Failed checks one address may cause per `failureWindowMs`, over all logins. */
  readonly failuresPerAddress: number;
  readonly failureWindowMs: number;
}

/**
 * Each password check costs a memory-hard hash (or a directory bind), and a made-up login costs as
 * much as a real one, by design. This bounds that work (issue 11, finding 5): a fixed number run at
 * once, a bounded number wait, and one address can hold only a few places and cause only so many
 * failures. Credentials the authenticator has verified before never come here, so callers with
 * good credentials are not held up by a flood of bad ones.
 */
export class VerificationGate {
  #running = 0;
  /**
   * Two lines, each bounded by `queue`: addresses with no failed check in the window go first, so
   * people signing in from a clean address are served before a flood from addresses that keep
   * failing (by address, never by login: which logins exist must not change anyone's place).
   */
  readonly #clean: (() => void)[] = [];
  readonly #waiting: (() => void)[] = [];
  readonly #perAddress = new Map<string, number>();
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limits: VerificationLimits,
    private readonly now: () => number,
  ) {}

  /**
   * Runs `check` (true: the password was right) in turn, or refuses at once. Per-address limits
   * apply unless the source is loopback (see SignInSource).
   */
  async run(source: { readonly address: string; readonly loopback: boolean }, check: () => Promise<boolean>): Promise<boolean> {
    const l = this.limits;
    // Loopback sources share one unlimited key: only the global bounds hold them.
    const address = source.loopback ? null : source.address;
    const failures = address === null ? { count: 0, since: 0 } : this.#failuresOf(address);
    if (failures.count >= l.failuresPerAddress) {
      const wait = Math.ceil((failures.since + l.failureWindowMs - this.now()) / 1000);
      throw tooMany(`Too many failed sign-ins from your address; try again in ${wait} seconds.`, wait);
    }
    const held = address === null ? 0 : (this.#perAddress.get(address) ?? 0);
    if (held >= l.perAddress) throw tooMany('Too many sign-ins from your address at once; try again in a second.', 1);
    const line = address !== null && failures.count === 0 ? this.#clean : this.#waiting;
    if (this.#running >= l.concurrency && line.length >= l.queue) {
      throw new DomainError('SignInBusy', 'The server is busy checking passwords; try again in a few seconds.', { retryAfterSeconds: 2 });
    }
    if (address !== null) this.#perAddress.set(address, held + 1);
    try {
      if (this.#running >= l.concurrency) await new Promise<void>((resolve) => line.push(resolve));
      else this.#running++;
      try {
        const ok = await check();
        if (!ok && address !== null) this.#failuresOf(address).count++;
        return ok;
      } finally {
        // The place passes straight to the next in line, so `running` never drops below the queue.
        const next = this.#clean.shift() ?? this.#waiting.shift();
        if (next) next();
        else this.#running--;
      }
    } finally {
      if (address !== null) {
        const left = (this.#perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.#perAddress.set(address, left);
        else this.#perAddress.delete(address);
      }
    }
  }

  #failuresOf(address: string): { count: number; since: number } {
    const now = this.now();
    let f = this.#failures.get(address);
    if (!f || now - f.since >= this.limits.failureWindowMs) {
      f = { count: 0, since: now };
      this.#failures.delete(address);
      this.#failures.set(address, f);
      // Bounded: forgetting the oldest address only forgives it early.
      if (this.#failures.size > 100_000) this.#failures.delete(this.#failures.keys().next().value!);
    }
    return f;
  }
}

function tooMany(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('TooManyAttempts', message, { retryAfterSeconds: Math.max(1, retryAfterSeconds) });
}
