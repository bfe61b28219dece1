import type { AuditAction } from '../../domain/audit/actions.js';
import { DomainError } from '../../domain/errors.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';
import type { RelyingParty } from '../../ports/webauthn.js';
import type { Caller, Deps } from '../deps.js';
import { admitAttempt, recordAttempt } from './attempt-guard.js';
import { checkProof } from './check-proof.js';
import { checkEnrolmentCode } from './enrolment-code.js';
import type { MfaKit, MfaProof } from './mfa-kit.js';
import { startPasskeyChallenge } from './passkey-challenge.js';

/** A change to a person's own factors. */
export type FactorChange = { readonly kind: 'totp' } | { readonly kind: 'add-passkey' } | { readonly kind: 'remove-passkey'; readonly passkeyId: string };

/** What the person offers to authorise a change: an existing factor, or (with none) an enrolment code. */
export interface ChangeProof {
  readonly proof: MfaProof | null;
  readonly enrolmentCode: string | null;
}

export type ProvedWith = 'totp' | 'passkey' | 'enrolment-code' | 'self-enrolment';

export type ChangeOutcome = { readonly ok: true; readonly provedWith: ProvedWith } | { readonly ok: false; readonly error: DomainError };

/** A passkey assertion authorises exactly one kind of change (and one passkey's removal), never another. */
const subjectOf = (c: FactorChange) => (c.kind === 'remove-passkey' ? `remove-passkey:${c.passkeyId}` : c.kind);

/** Whether the account has a factor that counts: a confirmed authenticator or any passkey. */
export async function hasFactor(tx: StoreTx, accountId: string): Promise<boolean> {
  return (await tx.mfa.totp(accountId))?.confirmed === true || (await tx.mfa.passkeys(accountId)).length > 0;
}

/**
 * Issue 11: adding or removing a factor needs an existing one in the same step, so a password alone
 * changes nothing. An account without any factor enrols its first with an administrator's one-time
 * enrolment code, or with none where the server allows self-enrolment. A failed proof counts toward
 * the account's lockout and is audited; the caller commits that before reporting the refusal.
 */
export async function authoriseChange(deps: Deps, kit: MfaKit, tx: StoreTx, caller: Caller, change: FactorChange, cp: ChangeProof, now: Instant): Promise<ChangeOutcome> {
  const accountId = caller.accountId;
  const refused = async (why: string, factor: string): Promise<ChangeOutcome> => {
    await audit(tx, caller, 'mfa.change.refused', { change: change.kind, factor }, now);
    return { ok: false, error: new DomainError('MfaCodeRejected', `${why} Your factors were not changed.`) };
  };
  if (await hasFactor(tx, accountId)) {
    if (!cp.proof) {
      throw new DomainError(
        'MfaRequired',
        'Changing your MFA factors needs one you already have: send Code (your authenticator\'s current code) or Passkey (an assertion for the options from POST /api/mfa/change-options).',
      );
    }
    const checked = await checkProof(deps, kit, tx, { purpose: 'factor-change', subjectId: subjectOf(change), accountId }, cp.proof, now);
    if (!checked.ok) return refused(checked.why, checked.factor);
    await audit(tx, caller, 'mfa.change.authorised', { change: change.kind, provedWith: checked.factor }, now);
    return { ok: true, provedWith: checked.factor };
  }
  if (cp.enrolmentCode !== null) {
    const attempts = await admitAttempt(tx, accountId, now);
    const checked = await checkEnrolmentCode(tx, accountId, cp.enrolmentCode, now);
    await recordAttempt(tx, attempts, checked.ok, now);
    if (!checked.ok) return refused(checked.why, 'enrolment-code');
    await audit(tx, caller, 'mfa.change.authorised', { change: change.kind, provedWith: 'enrolment-code' }, now);
    return { ok: true, provedWith: 'enrolment-code' };
  }
  if (deps.policy.mfaSelfEnrolment) {
    await audit(tx, caller, 'mfa.change.authorised', { change: change.kind, provedWith: 'self-enrolment' }, now);
    return { ok: true, provedWith: 'self-enrolment' };
  }
  throw new DomainError('MfaRequired', 'You have no MFA factor yet: enrol your first with the one-time enrolment code an administrator gives you (EnrolmentCode).');
}

/** The first factor is in place: the enrolment code, if one was outstanding, is spent. */
export async function spendEnrolmentCode(tx: StoreTx, accountId: string): Promise<boolean> {
  const had = (await tx.mfa.enrolmentCode(accountId)) !== undefined;
  if (had) await tx.mfa.removeEnrolmentCode(accountId);
  return had;
}

/** Passkey assertion options bound to one change of the caller's factors (5 minutes, single use). */
export async function changeOptions(deps: Deps, kit: MfaKit, caller: Caller, change: FactorChange, rp: RelyingParty) {
  return deps.store.transaction((tx) => startPasskeyChallenge(kit, tx, { purpose: 'factor-change', subjectId: subjectOf(change), accountId: caller.accountId }, rp, deps.clock.now()));
}

function audit(tx: StoreTx, caller: Caller, action: AuditAction, after: Record<string, unknown>, now: Instant) {
  return tx.audit.append({ at: now, actorId: caller.accountId, action, targetType: 'account', targetId: caller.accountId, requestId: null, before: null, after });
}
