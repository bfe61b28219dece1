import { isLocked } from '../../domain/account/account.js';
import { DomainError } from '../../domain/errors.js';
import type { Instant } from '../../domain/time.js';
import type { Caller, Deps } from '../deps.js';
import { endOpenRequests } from '../end-access.js';
import { inLifecycle } from '../lifecycle.js';
import type { AdminRequestView } from './request-view.js';
import { viewRequest } from './request-view.js';
import { requireAdmin } from './require-admin.js';
import { requireReason } from './revoke.js';
import { type PublicAccount, accountByLogin, publicAccount } from './users.js';

export interface LockOutcome {
  readonly user: PublicAccount;
  /** The requests the lock ended, as they are now (LDAP-backed ones may still be Closing). */
  readonly ended: AdminRequestView[];
}

/**
 * Locks an account: in one transaction its sessions end, every elevation it holds ends (groups
 * removed as at an expiry), its pending requests are refused and its scheduled ones never start.
 * Sign-in, and so every call and approval, is refused until an administrator unlocks it or `until`
 * passes. Locking a locked account replaces the lock (a new reason or end).
 */
export async function lockUser(deps: Deps, caller: Caller, login: string, reason: string, until: Instant | null): Promise<LockOutcome> {
  requireAdmin(caller);
  const note = requireReason(reason);
  return inLifecycle(deps, async (lc, tx) => {
    const now = lc.now;
    if (until !== null && until <= now) throw new DomainError('BadRequest', 'A lock must end in the future; leave the end out to lock until an administrator unlocks.');
    const a = await accountByLogin(tx, login);
    await tx.accounts.lockForChange(a.id);
    const next = { ...a, lock: { reason: note, lockedAt: now, until, lockedBy: caller.accountId } };
    await tx.accounts.update(next);
    await tx.sessions.removeForAccount(a.id);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'account.locked',
      targetType: 'account',
      targetId: a.id,
      requestId: null,
      before: { lock: a.lock },
      after: { lock: next.lock },
    });
    const ended = await endOpenRequests(lc, { creatorId: a.id }, { reason: 'account-locked', note }, caller.accountId);
    return { user: publicAccount(next), ended: await Promise.all(ended.map((r) => viewRequest(tx, r))) };
  });
}

/** Lifts a lock (in force or lapsed). Sign-in works again; nothing the lock ended comes back. */
export async function unlockUser(deps: Deps, caller: Caller, login: string): Promise<PublicAccount> {
  requireAdmin(caller);
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const a = await accountByLogin(tx, login);
    if (a.lock === null) throw new DomainError('Conflict', `User '${login}' is not locked.`);
    const next = { ...a, lock: null };
    await tx.accounts.update(next);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'account.unlocked',
      targetType: 'account',
      targetId: a.id,
      requestId: null,
      before: { lock: a.lock, inForce: isLocked(a, now) },
      after: { lock: null },
    });
    return publicAccount(next);
  });
}
