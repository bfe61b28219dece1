import { createHmac, createSecretKey, randomBytes } from 'node:crypto';

/**
 * Slows password guessing without ever locking the right person out (issue 11, findings 3 and 6).
 *
 * - Per login and address: five failures are free, then each further one doubles the wait before
 *   the next check from that address (1 s, 2 s, 4 s ... at most `maxDelayMs`). A guesser at one
 *   address gets about 70 checks an hour; the victim elsewhere is not slowed at all, and the victim
 *   behind the same address waits at most `maxDelayMs`.
 * - Per login, over all addresses: a ceiling for addresses the account has not signed in from
 *   (a token bucket of `accountBurst`, refilled at `accountPerHour`), against guessing spread over
 *   many addresses. Addresses the account signed in from before do not draw on it, so a flood from
 *   elsewhere cannot keep the owner out; a new address waits a bounded time for the next token.
 * - Attempts are admitted before the password is checked and counted at once ("reserved"), so
 *   parallel guesses cannot all pass the check while the first hashes are still running. Parallel
 *   attempts with the same password share one reservation: a script sending its (right) Basic
 *   credentials on ten connections at once is one attempt, as the authenticator checks them once.
 * A success does not clear the failures: an attacker sharing the victim's address (a proxy, a NAT)
 * would otherwise get five free guesses after every sign-in of hers. They age out after `windowMs`.
 */
export interface ThrottlePolicy {
  readonly freeFailures: number;
  readonly windowMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly accountBurst: number;
  readonly accountPerHour: number;
  /** How long an address where the account signed in stays familiar. */
  readonly familiarForMs: number;
  /** Entries kept per table; the oldest go first. */
  readonly maxEntries: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  windowMs: 15 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  accountBurst: 100,
  accountPerHour: 100,
  familiarForMs: 30 * 24 * 3_600_000,
  maxEntries: 100_000,
};

/** One admitted attempt; exactly one of its methods is called when the check is over. */
export interface Attempt {
  succeeded(): void;
  failed(): void;
  /** The check did not happen (the server was busy, the store failed): it counts for nothing. */
  abandoned(): void;
}

export type Admission = { readonly ok: true; readonly attempt: Attempt } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Pair {
  failures: number[];
  pending: number;
  /** Fingerprints of the credentials whose reservations are in flight. */
  inFlight: Set<string>;
  nextAt: number;
}

const SHARED: Attempt = { succeeded: () => {}, failed: () => {}, abandoned: () => {} };

interface Bucket {
  tokens: number;
  at: number;
}

export class LoginThrottle {
  /** Fingerprints credentials in memory only; never leaves the process. */
  readonly #key = createSecretKey(randomBytes(32)); // a KeyObject: see Authenticator's #key
  readonly #pairs = new Map<string, Pair>();
  readonly #accounts = new Map<string, Bucket>();
  readonly #familiar = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** Admits a password check for `login` from `address` (an addressKey), or says how long to wait. */
  admit(login: string, address: string, password: string): Admission {
    const p = this.policy;
    const now = this.now();
    const account = login.toLowerCase();
    const key = `${account}|${address}`;
    const pair = this.#pair(key, now);
    const fingerprint = createHmac('sha256', this.#key).update(account).update('\0').update(password).digest('base64');
    // The same credentials are being checked already: this attempt rides on that one's outcome.
    if (pair.inFlight.has(fingerprint)) return { ok: true, attempt: SHARED };
    const used = pair.failures.length + pair.pending;
    if (used >= p.freeFailures) {
      // Past the free failures, one check at a time and only once the wait is over.
      if (pair.pending > 0) return refuse(Math.max(p.baseDelayMs, pair.nextAt - now));
      if (now < pair.nextAt) return refuse(pair.nextAt - now);
    }
    const familiarAt = this.#familiar.get(key);
    const familiar = familiarAt !== undefined && now - familiarAt < p.familiarForMs;
    let bucket: Bucket | undefined;
    if (!familiar) {
      bucket = this.#bucket(account, now);
      if (bucket.tokens < 1) return refuse(((1 - bucket.tokens) * 3_600_000) / p.accountPerHour);
      bucket.tokens -= 1;
    }
    pair.pending++;
    pair.inFlight.add(fingerprint);
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      pair.pending--;
      pair.inFlight.delete(fingerprint);
      f();
    };
    const refund = () => bucket && (bucket.tokens = Math.min(p.accountBurst, bucket.tokens + 1));
    return {
      ok: true,
      attempt: {
        succeeded: () =>
          finish(() => {
            refund();
            remember(this.#familiar, key, this.now(), p.maxEntries);
          }),
        failed: () =>
          finish(() => {
            const at = this.now();
            pair.failures.push(at);
            const over = pair.failures.length - p.freeFailures;
            if (over >= 0) pair.nextAt = at + Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(over, 30));
            remember(this.#pairs, key, pair, p.maxEntries);
          }),
        abandoned: () => finish(refund),
      },
    };
  }

  #pair(key: string, now: number): Pair {
    const cutoff = now - this.policy.windowMs;
    const pair = this.#pairs.get(key) ?? { failures: [], pending: 0, inFlight: new Set<string>(), nextAt: 0 };
    pair.failures = pair.failures.filter((t) => t > cutoff);
    if (!this.#pairs.has(key)) remember(this.#pairs, key, pair, this.policy.maxEntries);
    return pair;
  }

  #bucket(account: string, now: number): Bucket {
    const p = this.policy;
    const b = this.#accounts.get(account) ?? { tokens: p.accountBurst, at: now };
    b.tokens = Math.min(p.accountBurst, b.tokens + ((now - b.at) * p.accountPerHour) / 3_600_000);
    b.at = now;
    remember(this.#accounts, account, b, p.maxEntries);
    return b;
  }
}

function refuse(ms: number): Admission {
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
}

/** Sets `key` as the newest entry, dropping the oldest beyond `max` (Map order is insertion order). */
function remember<V>(m: Map<string, V>, key: string, value: V, max: number): void {
  m.delete(key);
  m.set(key, value);
  if (m.size > max) m.delete(m.keys().next().value!);
}
