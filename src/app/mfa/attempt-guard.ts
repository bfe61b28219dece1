import { DomainError } from '../../domain/errors.js';
import { type MfaAttempts, afterFailure, attemptVerdict, noAttempts } from '../../domain/mfa/attempt-limit.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';

/**
 * The per-account gate in front of every factor check (request challenges, approver step-up,
 * factor changes, enrolment codes). Takes the account's row lock so attempts on several nodes take
 * turns, then refuses without looking at the proof while the account waits or is locked out: the
 * right code must not pass during a lockout, or guessing would go on behind it.
 */
export async function admitAttempt(tx: StoreTx, accountId: string, now: Instant): Promise<MfaAttempts> {
  await tx.accounts.lockForChange(accountId);
  const attempts = (await tx.mfa.attempts(accountId)) ?? noAttempts(accountId);
  const verdict = attemptVerdict(attempts, now);
  if (verdict.kind === 'locked') {
    throw new DomainError('MfaLocked', 'Too many failed MFA attempts: your MFA is locked. Ask an administrator to check and lift the lockout.');
  }
  if (verdict.kind === 'wait') {
    const seconds = Math.ceil(verdict.retryAfterMs / 1000);
    throw new DomainError('TooManyAttempts', `Too many failed MFA attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
  }
  return attempts;
}

/** Records the outcome of an admitted attempt; a failure that reaches the threshold locks the account, audited. */
export async function recordAttempt(tx: StoreTx, attempts: MfaAttempts, ok: boolean, now: Instant): Promise<void> {
  if (ok) {
    if (attempts.failures > 0) await tx.mfa.saveAttempts(noAttempts(attempts.accountId));
    return;
  }
  const next = afterFailure(attempts, now);
  await tx.mfa.saveAttempts(next);
  if (next.lockedAt !== null && attempts.lockedAt === null) {
    await tx.audit.append({
      at: now,
      actorId: attempts.accountId,
      action: 'mfa.locked',
      targetType: 'account',
      targetId: attempts.accountId,
      requestId: null,
      before: null,
      after: { failures: next.failures },
    });
  }
}
