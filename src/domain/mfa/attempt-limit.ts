import type { Instant } from '../time.js';

/**
 * Failed factor attempts of one account, counted across requests, approvals and factor changes
 * (issue 11: a limit per request let a client open a new request after every five guesses). A
 * success clears the count; a lockout stays until an administrator lifts it.
 */
export interface MfaAttempts {
  readonly accountId: string;
  /** Consecutive failures since the last success or lift. */
  readonly failures: number;
  readonly lastFailureAt: Instant | null;
  /** When the account was locked out; null while it is not. */
  readonly lockedAt: Instant | null;
}

/** Failures allowed without any wait: typing mistakes, a slow phone clock. */
export const FREE_FAILURES = 5;
/** The failure that locks the account until an administrator lifts it. */
export const LOCKOUT_AFTER = 10;
const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 15 * 60_000;

export const noAttempts = (accountId: string): MfaAttempts => ({ accountId, failures: 0, lastFailureAt: null, lockedAt: null });

/**
 * How long after the last failure the next attempt must wait: nothing for the first few, then 5 s
 * doubling with each further failure (5, 10, 20, 40, 80 s). With the lockout at 10 this bounds
 * a guesser to 10 codes in a few minutes, where a 6-digit code needs about 300,000 on average.
 */
export function backoffMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_FAILURES));
}

export type AttemptVerdict =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'wait'; readonly retryAfterMs: number }
  | { readonly kind: 'locked'; readonly lockedAt: Instant };

/** Whether a factor may be checked for the account now; a wait or lockout means it is not even looked at. */
export function attemptVerdict(a: MfaAttempts, now: Instant): AttemptVerdict {
  if (a.lockedAt !== null) return { kind: 'locked', lockedAt: a.lockedAt };
  if (a.lastFailureAt === null) return { kind: 'allowed' };
  const until = a.lastFailureAt + backoffMs(a.failures);
  return until > now ? { kind: 'wait', retryAfterMs: until - now } : { kind: 'allowed' };
}

/** The count after one more failure; the LOCKOUT_AFTER-th locks the account. */
export function afterFailure(a: MfaAttempts, now: Instant): MfaAttempts {
  const failures = a.failures + 1;
  return { ...a, failures, lastFailureAt: now, lockedAt: failures >= LOCKOUT_AFTER ? now : a.lockedAt };
}

/** An account's MFA attempt state as administrators see it. */
export interface LockoutView {
  readonly locked: boolean;
  readonly failures: number;
  readonly lockedAt: Instant | null;
  /** While the account backs off after failures: when it may try again. */
  readonly waitUntil: Instant | null;
}

export function lockoutView(a: MfaAttempts, now: Instant): LockoutView {
  const v = attemptVerdict(a, now);
  return { locked: a.lockedAt !== null, failures: a.failures, lockedAt: a.lockedAt, waitUntil: v.kind === 'wait' ? now + v.retryAfterMs : null };
}
