/**
 * Slows password guessing at the sign-in form: after `maxFailures` failures for one login from one
 * address inside `windowMs`, that pair waits until the window has passed. Per pair, not per login,
 * so a stranger cannot lock a user out from elsewhere.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly maxFailures = 5,
    private readonly windowMs = 5 * 60_000,
  ) {}

  retryAfterSeconds(login: string, ip: string): number {
    const recent = this.#recent(`${login.toLowerCase()}|${ip}`);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000));
  }

  failed(login: string, ip: string): void {
    const key = `${login.toLowerCase()}|${ip}`;
    this.#failures.set(key, [...this.#recent(key), this.now()]);
    if (this.#failures.size > 100_000) this.#failures.delete(this.#failures.keys().next().value!);
  }

  succeeded(login: string, ip: string): void {
    this.#failures.delete(`${login.toLowerCase()}|${ip}`);
  }

  #recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
  }
}
