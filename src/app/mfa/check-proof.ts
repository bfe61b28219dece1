import { DomainError } from '../../domain/errors.js';
import type { Instant } from '../../domain/time.js';
import type { ChallengePurpose, StoreTx } from '../../ports/store.js';
import type { Deps } from '../deps.js';
import type { MfaKit, MfaProof } from './mfa-kit.js';
import { admitAttempt, recordAttempt } from './attempt-guard.js';
import { openTotpSecret } from './totp-secret.js';

/** What a challenge is bound to: a request (the requester's), an approval (one approver's) or a factor change. */
export interface ChallengeBinding {
  readonly purpose: Extract<ChallengePurpose, 'request' | 'approval' | 'factor-change'>;
  readonly subjectId: string;
  readonly accountId: string;
}

export type ProofOutcome =
  | { readonly ok: true; readonly factor: 'totp' | 'passkey'; readonly passkeyName?: string }
  | { readonly ok: false; readonly factor: 'totp' | 'passkey'; readonly why: string; readonly replay: boolean };

/**
 * Checks a proof for `binding.accountId` and records what a success spends: the TOTP time step (so
 * the code never works again) or the passkey's signature counter. The stored passkey challenge is
 * consumed whatever the outcome, so an assertion can be tried once. Throws MfaNotEnrolled when the
 * account has no usable factor of that kind. Every check passes the account's attempt gate first
 * (MfaLocked, TooManyAttempts) and counts there; callers keep their own per-request counts beside it.
 */
export async function checkProof(deps: Deps, kit: MfaKit, tx: StoreTx, binding: ChallengeBinding, proof: MfaProof, now: Instant): Promise<ProofOutcome> {
  const attempts = await admitAttempt(tx, binding.accountId, now);
  const outcome = proof.kind === 'totp' ? await checkTotp(deps, kit, tx, binding.accountId, proof.code, now) : await checkPasskey(kit, tx, binding, proof, now);
  await recordAttempt(tx, attempts, outcome.ok, now);
  return outcome;
}

async function checkTotp(deps: Deps, kit: MfaKit, tx: StoreTx, accountId: string, code: string, now: Instant): Promise<ProofOutcome> {
  const factor = await tx.mfa.totp(accountId);
  if (!factor || !factor.confirmed) {
    throw new DomainError('MfaNotEnrolled', 'You have no confirmed authenticator; enrol one (POST /api/mfa/totp, then /api/mfa/totp/confirm) or use a passkey.');
  }
  const step = kit.totp.matchStep(openTotpSecret(deps, factor), code.trim(), now);
  if (step !== null && step > factor.lastStep) {
    await tx.mfa.saveTotp({ ...factor, lastStep: step });
    return { ok: true, factor: 'totp' };
  }
  const replay = step !== null;
  return { ok: false, factor: 'totp', replay, why: replay ? 'That code was already used; wait for the next one.' : 'That code is not valid.' };
}

async function checkPasskey(kit: MfaKit, tx: StoreTx, b: ChallengeBinding, proof: Extract<MfaProof, { kind: 'passkey' }>, now: Instant): Promise<ProofOutcome> {
  const refuse = (why: string, replay = false): ProofOutcome => ({ ok: false, factor: 'passkey', why, replay });
  const stored = await tx.mfa.takeChallenge(b.purpose, b.subjectId, b.accountId);
  // No challenge is what a replayed assertion meets: the first use consumed it.
  if (!stored) return refuse('No passkey challenge is waiting (it was used or never asked for); ask for new options.', true);
  if (stored.expiresAt <= now) return refuse('The passkey challenge expired; ask for new options.');
  const passkey = await tx.mfa.passkey(proof.assertion.id);
  if (!passkey || passkey.accountId !== b.accountId) return refuse('That passkey is not registered to you.');
  const v = await kit.webauthn.verifyAuthentication(proof.rp, proof.assertion, stored.challenge, passkey);
  if (!v.ok) return refuse(`The passkey's answer was refused: ${v.reason}`);
  await tx.mfa.usePasskey(passkey.id, v.value.newCounter, now);
  return { ok: true, factor: 'passkey', passkeyName: passkey.name };
}
