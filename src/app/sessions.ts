import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mayAct } from '../domain/account/account.js';
import type { Authenticator, SignInSource } from './authenticate.js';
import { callerOf } from './authenticate.js';
import type { Caller, Deps } from './deps.js';

export interface SessionPolicy {
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
}

export interface OpenSession {
  /** The cookie value; only its hash is stored, so a copy of the database opens no session. */
  readonly token: string;
  readonly csrfToken: string;
  readonly caller: Caller;
}

const hashToken = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * The CSRF token is derived from the session token, so the store keeps nothing it could be read
 * from (only the session token's hash, and this token's hash): a copy of the database can neither
 * ride a session nor forge its CSRF header. The portal gets it back from GET /api/session.
 */
const csrfTokenOf = (token: string) => createHmac('sha256', token).update('elevate csrf token').digest('base64url');

/** Cookie sessions for browser apps. */
export class Sessions {
  constructor(
    private readonly deps: Deps,
    private readonly auth: Authenticator,
    private readonly policy: SessionPolicy,
  ) {}

  async login(login: string, password: string, from?: SignInSource): Promise<OpenSession | null> {
    const caller = await this.auth.verify(login, password, from);
    if (!caller) return null;
    return this.open(caller, 'password');
  }

  /** Opens a session for a caller proven another way (single sign-on); `via` goes to the audit trail. */
  async open(caller: Caller, via: 'password' | 'oidc'): Promise<OpenSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = csrfTokenOf(token);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.sessions.insert({ tokenHash: hashToken(token), accountId: caller.accountId, csrfHash: hashToken(csrfToken), createdAt: now, lastSeenAt: now });
      await tx.audit.append({
        at: now,
        actorId: caller.accountId,
        action: 'session.login',
        targetType: 'session',
        targetId: caller.accountId,
        requestId: null,
        before: null,
        after: via === 'password' ? null : { via },
      });
    });
    return { token, csrfToken, caller };
  }

  /** The caller behind a cookie, or null when it is unknown, idle too long, too old, or disabled or locked. */
  async resolve(token: string): Promise<{ caller: Caller; csrfToken: string } | null> {
    const now = this.deps.clock.now();
    const tokenHash = hashToken(token);
    return this.deps.store.transaction(async (tx) => {
      const s = await tx.sessions.byTokenHash(tokenHash);
      if (!s) return null;
      const account = await tx.accounts.byId(s.accountId);
      if (!account || !mayAct(account, now) || now - s.lastSeenAt > this.policy.idleTimeoutMs || now - s.createdAt > this.policy.absoluteTimeoutMs) {
        await tx.sessions.remove(tokenHash);
        return null;
      }
      // Only write when a minute has passed: a busy page should not cost an fsync per call.
      if (now - s.lastSeenAt > 60_000) await tx.sessions.touch(tokenHash, now);
      // Sessions opened before the token was derived stored it in clear; the derived one replaces it.
      return { caller: callerOf(account), csrfToken: csrfTokenOf(token) };
    });
  }

  async logout(token: string): Promise<void> {
    await this.deps.store.transaction((tx) => tx.sessions.remove(hashToken(token)));
  }

  /** Deletes sessions past their idle or absolute timeout, so dead tokens do not pile up. */
  async purgeExpired(): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction((tx) => tx.sessions.removeIdleSince(now - this.policy.idleTimeoutMs, now - this.policy.absoluteTimeoutMs));
  }

  /** Ends every session of the account (sign-out everywhere). */
  async logoutEverywhere(accountId: string): Promise<void> {
    await this.deps.store.transaction((tx) => tx.sessions.removeForAccount(accountId));
  }
}
