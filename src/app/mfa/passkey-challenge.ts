import { DomainError } from '../../domain/errors.js';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';
import type { RelyingParty } from '../../ports/webauthn.js';
import type { ChallengeBinding } from './check-proof.js';
import { CHALLENGE_TTL_MS, type MfaKit } from './mfa-kit.js';

/**
 * Assertion options for one of the account's passkeys, with the challenge stored durably against
 * `binding`: a new one replaces the old, so each request or approval has at most one open.
 */
export async function startPasskeyChallenge(
  kit: MfaKit,
  tx: StoreTx,
  binding: ChallengeBinding,
  rp: RelyingParty,
  now: Instant,
): Promise<Readonly<Record<string, unknown>>> {
  const passkeys = await tx.mfa.passkeys(binding.accountId);
  if (passkeys.length === 0) throw new DomainError('MfaNotEnrolled', 'You have no passkey; register one (POST /api/mfa/passkeys) or use your authenticator code.');
  await tx.mfa.purgeChallenges(now);
  const { options, challenge } = await kit.webauthn.authenticationOptions(rp, passkeys);
  await tx.mfa.putChallenge({ ...binding, challenge, expiresAt: now + CHALLENGE_TTL_MS });
  return options;
}
