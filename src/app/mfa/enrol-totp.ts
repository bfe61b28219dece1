import { DomainError } from '../../domain/errors.js';
import { accountByLogin } from '../admin/users.js';
import { requireAdmin } from '../admin/require-admin.js';
import type { Caller, Deps } from '../deps.js';
import type { MfaKit } from './mfa-kit.js';
import { openTotpSecret, sealTotpSecret } from './totp-secret.js';

export interface TotpEnrolment {
  /** Shown once, at enrolment; never returned again. */
  readonly secret: string;
  readonly uri: string;
  readonly confirmed: boolean;
}

/**
 * Starts (or restarts) TOTP enrolment for `login`. Self-service enrolment stays unconfirmed until a
 * first code proves the authenticator works; an administrator provisioning a user confirms at once.
 */
export async function enrolTotp(deps: Deps, kit: MfaKit, caller: Caller, login: string): Promise<TotpEnrolment> {
  const forSelf = caller.login.toLowerCase() === login.toLowerCase();
  if (!forSelf) requireAdmin(caller);
  return deps.store.transaction(async (tx) => {
    const account = await accountByLogin(tx, login);
    const existing = await tx.mfa.totp(account.id);
    // A confirmed factor is replaced only by an administrator: otherwise anyone holding a session
    // could swap the victim's authenticator for their own.
    if (existing?.confirmed && forSelf && !caller.isAdmin) {
      throw new DomainError('Conflict', 'You already have an authenticator; ask an administrator to reset it.');
    }
    const secret = kit.totp.newSecret();
    const now = deps.clock.now();
    const confirmed = !forSelf;
    await tx.mfa.saveTotp({ accountId: account.id, sealedSecret: sealTotpSecret(deps, account.id, secret), confirmed, lastStep: 0, createdAt: now });
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'mfa.totp.enrolled',
      targetType: 'account',
      targetId: account.id,
      requestId: null,
      before: existing ? { confirmed: existing.confirmed } : null,
      after: { confirmed },
    });
    return { secret, uri: kit.totp.uri(secret, account.login, kit.issuer), confirmed };
  });
}

/** Confirms a self-service enrolment with a first valid code. */
export async function confirmTotp(deps: Deps, kit: MfaKit, caller: Caller, code: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const f = await tx.mfa.totp(caller.accountId);
    if (!f) throw new DomainError('MfaNotEnrolled', 'Start enrolment first (POST /api/mfa/totp).');
    if (f.confirmed) return;
    const step = kit.totp.matchStep(openTotpSecret(deps, f), code.trim(), deps.clock.now());
    if (step === null) throw new DomainError('MfaCodeRejected', 'That code is not valid for the new authenticator; check the device clock and try the next code.');
    await tx.mfa.saveTotp({ ...f, confirmed: true, lastStep: step });
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'mfa.totp.confirmed',
      targetType: 'account',
      targetId: caller.accountId,
      requestId: null,
      before: null,
      after: null,
    });
  });
}

/** Removes every factor of `login`, authenticator and passkeys (administrators only). */
export async function resetMfa(deps: Deps, caller: Caller, login: string): Promise<void> {
  requireAdmin(caller);
  await deps.store.transaction(async (tx) => {
    const account = await accountByLogin(tx, login);
    const totp = await tx.mfa.totp(account.id);
    const passkeys = await tx.mfa.passkeys(account.id);
    await tx.mfa.removeAll(account.id);
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'mfa.reset',
      targetType: 'account',
      targetId: account.id,
      requestId: null,
      before: { totp: totp ? { confirmed: totp.confirmed } : null, passkeys: passkeys.map((p) => p.name) },
      after: null,
    });
  });
}
