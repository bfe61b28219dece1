import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Instant } from '../../domain/time.js';
import type { StoreTx } from '../../ports/store.js';
import { accountByLogin } from '../admin/users.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdminForOthers } from './admin-guard.js';

/** How long an issued enrolment code can be used. */
export const ENROLMENT_CODE_TTL_MS = 24 * 3600_000;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 80 random bits as 16 base32 letters in groups of four: typed by hand, read over the phone. */
function newCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Case, spaces and dashes do not matter when the code is typed. */
const hashCode = (code: string) => createHash('sha256').update(code.toUpperCase().replace(/[^A-Z0-9]/g, '')).digest('hex');

export interface IssuedEnrolmentCode {
  /** Answered once; only its hash is stored. */
  readonly code: string;
  readonly expiresAt: Instant;
}

/** Stores a fresh code for the account (replacing any earlier one) and audits that it was issued, never the code. */
export async function storeEnrolmentCode(deps: Deps, tx: StoreTx, caller: Caller, accountId: string, now: Instant): Promise<IssuedEnrolmentCode> {
  const code = newCode();
  const expiresAt = now + ENROLMENT_CODE_TTL_MS;
  await tx.mfa.saveEnrolmentCode({ accountId, codeHash: hashCode(code), issuedBy: caller.accountId, issuedAt: now, expiresAt });
  await tx.audit.append({ at: now, actorId: caller.accountId, action: 'mfa.enrolment-code.issued', targetType: 'account', targetId: accountId, requestId: null, before: null, after: { expiresAt } });
  return { code, expiresAt };
}

/**
 * A one-time code with which `login`, while they have no factor, enrols their first (administrators
 * only, and never for themselves: an administrator's password alone must not give them a factor).
 */
export async function issueEnrolmentCode(deps: Deps, caller: Caller, login: string): Promise<IssuedEnrolmentCode> {
  return deps.store.transaction(async (tx) => {
    const account = await accountByLogin(tx, login);
    requireAdminForOthers(caller, account.id);
    return storeEnrolmentCode(deps, tx, caller, account.id, deps.clock.now());
  });
}

/** Whether `code` is the account's outstanding, unexpired enrolment code; a reason when it is not. */
export async function checkEnrolmentCode(tx: StoreTx, accountId: string, code: string, now: Instant): Promise<{ ok: true } | { ok: false; why: string }> {
  const stored = await tx.mfa.enrolmentCode(accountId);
  // Digests of equal length, compared in constant time.
  const same = stored !== undefined && timingSafeEqual(Buffer.from(stored.codeHash, 'hex'), Buffer.from(hashCode(code), 'hex'));
  if (!same) return { ok: false, why: 'That enrolment code is not valid (it may have been used already); ask an administrator for a new one.' };
  if (stored.expiresAt <= now) return { ok: false, why: 'That enrolment code expired; ask an administrator for a new one.' };
  return { ok: true };
}
