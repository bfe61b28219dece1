import type { AuditAction } from '../domain/audit/actions.js';
import type { Account } from '../domain/account/account.js';
import type { AuditEntry } from '../domain/audit/audit-entry.js';
import type { Deps } from './deps.js';

export type SignInFailure =
  | 'wrong password'
  | 'no such account'
  | 'account disabled'
  | 'account locked'
  | 'no password set'
  | 'refused by the directory'
  // Single sign-on and Kerberos: the identity was proven, but it names no account that may act here.
  | 'no login in the identity'
  | 'foreign realm'
  | 'service account';

const HOUR = 3_600_000;
/** Logins are whatever a client sends; an audit entry keeps only this much of one. */
const MAX_LOGIN = 128;

/**
 * Writes failed sign-ins to the audit trail: login, address and reason, never the password.
 * Failures for existing accounts are all recorded; the sign-in throttle bounds how many each
 * account can have. Made-up logins cost an attacker nothing to vary, so only the first
 * `unknownPerHour` of an hour are recorded one by one, and the next hour opens with one entry
 * counting the rest (kept in memory: a restart forgets an unwritten count).
 */
export class FailedSignInAudit {
  #period = { start: Number.NEGATIVE_INFINITY, recorded: 0, unrecorded: 0 };

  constructor(
    private readonly deps: Deps,
    private readonly unknownPerHour = 50,
  ) {}

  async record(login: string, account: Account | undefined, reason: SignInFailure, address: string): Promise<void> {
    const now = this.deps.clock.now();
    const entry = (targetId: string, action: AuditAction, after: unknown): AuditEntry => ({
      at: now,
      actorId: null,
      action,
      targetType: 'account' as const,
      targetId,
      requestId: null,
      before: null,
      after,
    });
    if (account) {
      await this.deps.store.transaction((tx) => tx.audit.append(entry(account.id, 'signin.failed', { login: account.login, address, reason })).then(() => {}));
      return;
    }
    const entries: AuditEntry[] = [];
    if (now - this.#period.start >= HOUR) {
      const { start, unrecorded } = this.#period;
      if (unrecorded > 0) entries.push(entry('', 'signin.failed.unrecorded', { count: unrecorded, since: start, until: now }));
      this.#period = { start: now, recorded: 0, unrecorded: 0 };
    }
    if (this.#period.recorded < this.unknownPerHour) {
      this.#period.recorded++;
      entries.push(entry('', 'signin.failed', { login: login.slice(0, MAX_LOGIN), address, reason }));
    } else {
      this.#period.unrecorded++;
    }
    if (entries.length > 0) {
      await this.deps.store.transaction(async (tx) => {
        for (const e of entries) await tx.audit.append(e);
      });
    }
  }
}
