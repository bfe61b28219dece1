import { DomainError } from '../../domain/errors.js';
import { noAttempts } from '../../domain/mfa/attempt-limit.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx, TotpFactor } from '../../ports/store.js';
import { accountByLogin } from '../admin/users.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdminForOthers } from './admin-guard.js';
import { type IssuedEnrolmentCode, storeEnrolmentCode } from './enrolment-code.js';
import { type ChangeProof, authoriseChange, spendEnrolmentCode } from './factor-change.js';
import type { MfaKit } from './mfa-kit.js';
import { openTotpSecret, sealTotpSecret } from './totp-secret.js';

export interface TotpEnrolment {
  /** Shown once, at enrolment; never returned again. */
  readonly secret: string;
  readonly uri: string;
  readonly confirmed: boolean;
}

/** How long a new authenticator waits for its first code. */
export const PENDING_TOTP_TTL_MS = 15 * 60_000;

/**
 * Starts (or restarts) self-service TOTP enrolment, authorised by an existing factor or, for a first
 * factor, an enrolment code (see authoriseChange). The new secret waits, sealed, beside the current
 * authenticator, which keeps counting until a first code from the new one confirms it.
 */
export async function startTotpEnrolment(deps: Deps, kit: MfaKit, caller: Caller, cp: ChangeProof): Promise<TotpEnrolment> {
  const outcome = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const account = await tx.accounts.byId(caller.accountId);
    if (!account) throw new DomainError('NotFound', 'Your account no longer exists.');
    const allowed = await authoriseChange(deps, kit, tx, caller, { kind: 'totp' }, cp, now);
    if (!allowed.ok) return allowed;
    const secret = kit.totp.newSecret();
    await tx.mfa.purgeChallenges(now);
    await tx.mfa.putChallenge({ purpose: 'totp-enrol', subjectId: account.id, accountId: account.id, challenge: sealTotpSecret(deps, account.id, secret), expiresAt: now + PENDING_TOTP_TTL_MS });
    await auditEnrolled(tx, caller, account.id, await tx.mfa.totp(account.id), { confirmed: false, provedWith: allowed.provedWith }, now);
    return { ok: true as const, enrolment: { secret, uri: kit.totp.uri(secret, account.login, kit.issuer), confirmed: false } };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.enrolment;
}

/** An administrator provisions a confirmed authenticator for someone else, replacing any. */
export async function provisionTotp(deps: Deps, kit: MfaKit, caller: Caller, login: string): Promise<TotpEnrolment> {
  return deps.store.transaction(async (tx) => {
    const account = await accountByLogin(tx, login);
    requireAdminForOthers(caller, account.id);
    const existing = await tx.mfa.totp(account.id);
    const secret = kit.totp.newSecret();
    const now = deps.clock.now();
    await tx.mfa.saveTotp({ accountId: account.id, sealedSecret: sealTotpSecret(deps, account.id, secret), confirmed: true, lastStep: 0, createdAt: now });
    await spendEnrolmentCode(tx, account.id);
    await auditEnrolled(tx, caller, account.id, existing, { confirmed: true }, now);
    return { secret, uri: kit.totp.uri(secret, account.login, kit.issuer), confirmed: true };
  });
}

function auditEnrolled(tx: StoreTx, caller: Caller, accountId: string, existing: TotpFactor | undefined, after: Record<string, unknown>, now: Instant) {
  return tx.audit.append({
    at: now,
    actorId: caller.accountId,
    action: 'mfa.totp.enrolled',
    targetType: 'account',
    targetId: accountId,
    requestId: null,
    before: existing ? { confirmed: existing.confirmed } : null,
    after,
  });
}

/** Confirms a pending self-service enrolment with a first valid code: the new authenticator replaces the old. */
export async function confirmTotp(deps: Deps, kit: MfaKit, caller: Caller, code: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    // A wrong code throws, which rolls the take back: the pending secret waits for the next try.
    const pending = await tx.mfa.takeChallenge('totp-enrol', caller.accountId, caller.accountId);
    if (!pending || pending.expiresAt <= now) throw new DomainError('MfaNotEnrolled', 'No new authenticator is waiting for a first code (or it waited too long); start enrolment again (POST /api/mfa/totp).');
    const sealedSecret = pending.challenge;
    const step = kit.totp.matchStep(openTotpSecret(deps, { accountId: caller.accountId, sealedSecret, confirmed: false, lastStep: 0, createdAt: now }), code.trim(), now);
    if (step === null) throw new DomainError('MfaCodeRejected', 'That code is not valid for the new authenticator; check the device clock and try the next code.');
    const replaced = await tx.mfa.totp(caller.accountId);
    await tx.mfa.saveTotp({ accountId: caller.accountId, sealedSecret, confirmed: true, lastStep: step, createdAt: now });
    const spent = await spendEnrolmentCode(tx, caller.accountId);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'mfa.totp.confirmed',
      targetType: 'account',
      targetId: caller.accountId,
      requestId: null,
      before: replaced ? { confirmed: replaced.confirmed } : null,
      after: { replaced: replaced?.confirmed === true, enrolmentCodeSpent: spent },
    });
  });
}

/**
 * Removes every factor of `login`, authenticator and passkeys, and lifts any lockout (administrators,
 * for someone else). With `issueCode`, answers a fresh enrolment code so the person can enrol again.
 */
export async function resetMfa(deps: Deps, caller: Caller, login: string, opts: { issueCode?: boolean } = {}): Promise<IssuedEnrolmentCode | null> {
  return deps.store.transaction(async (tx) => {
    const account = await accountByLogin(tx, login);
    requireAdminForOthers(caller, account.id);
    const now = deps.clock.now();
    const totp = await tx.mfa.totp(account.id);
    const passkeys = await tx.mfa.passkeys(account.id);
    const attempts = await tx.mfa.attempts(account.id);
    await tx.mfa.removeAll(account.id);
    await tx.mfa.saveAttempts(noAttempts(account.id));
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'mfa.reset',
      targetType: 'account',
      targetId: account.id,
      requestId: null,
      before: {
        totp: totp ? { confirmed: totp.confirmed } : null,
        passkeys: passkeys.map((p) => p.name),
        ...(attempts && { failures: attempts.failures, lockedAt: attempts.lockedAt }),
      },
      after: null,
    });
    return opts.issueCode ? storeEnrolmentCode(deps, tx, caller, account.id, now) : null;
  });
}
