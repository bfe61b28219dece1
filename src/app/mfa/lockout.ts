import { noAttempts } from '../../domain/mfa/attempt-limit.js';
import { accountByLogin } from '../admin/users.js';
import type { Caller, Deps } from '../deps.js';
import { requireAdminForOthers } from './admin-guard.js';

/** Lifts an account's MFA lockout and clears its failures (administrators, for someone else), audited. */
export async function liftMfaLockout(deps: Deps, caller: Caller, login: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const account = await accountByLogin(tx, login);
    requireAdminForOthers(caller, account.id);
    const before = await tx.mfa.attempts(account.id);
    await tx.mfa.saveAttempts(noAttempts(account.id));
    await tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'mfa.unlocked',
      targetType: 'account',
      targetId: account.id,
      requestId: null,
      before: before ? { failures: before.failures, lockedAt: before.lockedAt } : null,
      after: null,
    });
  });
}
