import type { AuditAction } from '../../domain/audit/actions.js';
import { DomainError } from '../../domain/errors.js';
import type { Passkey } from '../../ports/store.js';
import type { AttestationJSON, RelyingParty, Verified } from '../../ports/webauthn.js';
import type { Caller, Deps } from '../deps.js';
import { type ChangeProof, authoriseChange, spendEnrolmentCode } from './factor-change.js';
import { CHALLENGE_TTL_MS, type MfaKit } from './mfa-kit.js';

/** A passkey as its owner and administrators see it: no key material, no counter. */
export interface PasskeyView {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export const passkeyView = (p: Passkey): PasskeyView => ({ id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt });

export const MAX_PASSKEY_NAME = 64;

/**
 * Registration options for a new passkey of the caller, given only once the change is authorised (an
 * existing factor, or for a first factor an enrolment code: see authoriseChange). The challenge is
 * stored against the account (purpose 'register'), replacing any earlier one, so a ceremony can
 * finish on any node; without it no attestation is accepted.
 */
export async function passkeyRegistrationOptions(deps: Deps, kit: MfaKit, caller: Caller, rp: RelyingParty, cp: ChangeProof) {
  const outcome = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const account = await tx.accounts.byId(caller.accountId);
    if (!account) throw new DomainError('NotFound', 'Your account no longer exists.');
    const allowed = await authoriseChange(deps, kit, tx, caller, { kind: 'add-passkey' }, cp, now);
    if (!allowed.ok) return allowed;
    const existing = await tx.mfa.passkeys(account.id);
    await tx.mfa.purgeChallenges(now);
    const { options, challenge } = await kit.webauthn.registrationOptions(rp, { id: account.id, login: account.login, displayName: account.displayName }, existing);
    await tx.mfa.putChallenge({ purpose: 'register', subjectId: account.id, accountId: account.id, challenge, expiresAt: now + CHALLENGE_TTL_MS });
    return { ok: true as const, options };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.options;
}

/** Verifies the browser's attestation against the stored challenge (spent either way) and keeps the passkey. */
export async function registerPasskey(deps: Deps, kit: MfaKit, caller: Caller, rp: RelyingParty, name: string, response: AttestationJSON): Promise<PasskeyView> {
  const label = name.trim();
  if (label === '' || label.length > MAX_PASSKEY_NAME) throw new DomainError('BadRequest', `A passkey name must be 1-${MAX_PASSKEY_NAME} characters.`);
  const outcome = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const audit = (action: AuditAction, after: Record<string, unknown>) =>
      tx.audit.append({ at: now, actorId: caller.accountId, action, targetType: 'account', targetId: caller.accountId, requestId: null, before: null, after });
    // Taken, so spent, whatever the outcome: an attestation can be tried once.
    const stored = await tx.mfa.takeChallenge('register', caller.accountId, caller.accountId);
    const v: Verified<Omit<Passkey, 'accountId' | 'name' | 'createdAt' | 'lastUsedAt'>> = !stored
      ? { ok: false, reason: 'No passkey registration is waiting (it was used or never started); ask for new options.' }
      : stored.expiresAt <= now
        ? { ok: false, reason: 'The registration challenge expired; ask for new options.' }
        : await kit.webauthn.verifyRegistration(rp, response, stored.challenge);
    if (!v.ok) {
      await audit('mfa.passkey.refused', { name: label, reason: v.reason });
      return { ok: false as const, error: new DomainError('MfaCodeRejected', `The new passkey was refused: ${v.reason}`) };
    }
    if (await tx.mfa.passkey(v.value.id)) throw new DomainError('Conflict', 'That passkey is already registered.');
    const passkey: Passkey = { ...v.value, accountId: caller.accountId, name: label, createdAt: now, lastUsedAt: null };
    await tx.mfa.insertPasskey(passkey);
    const spent = await spendEnrolmentCode(tx, caller.accountId);
    await audit('mfa.passkey.added', { id: passkey.id, name: label, enrolmentCodeSpent: spent });
    return { ok: true as const, view: passkeyView(passkey) };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.view;
}

/** Removes one of the caller's passkeys, authorised by a factor they have (that passkey included). */
export async function removePasskey(deps: Deps, kit: MfaKit, caller: Caller, id: string, cp: ChangeProof): Promise<void> {
  const outcome = await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const p = await tx.mfa.passkey(id);
    if (!p || p.accountId !== caller.accountId) throw new DomainError('NotFound', `You have no passkey with id ${id}.`);
    const allowed = await authoriseChange(deps, kit, tx, caller, { kind: 'remove-passkey', passkeyId: id }, cp, now);
    if (!allowed.ok) return allowed;
    if (!(await tx.mfa.removePasskey(caller.accountId, id))) throw new DomainError('NotFound', `You have no passkey with id ${id}.`);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'mfa.passkey.removed',
      targetType: 'account',
      targetId: caller.accountId,
      requestId: null,
      before: { id, name: p.name },
      after: { provedWith: allowed.provedWith },
    });
    return { ok: true as const };
  });
  if (!outcome.ok) throw outcome.error;
}
