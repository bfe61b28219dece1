import { type Account, isValidLogin, mayAct } from '../domain/account/account.js';
import { publicAccount } from './admin/users.js';
import { callerOf } from './authenticate.js';
import type { Caller, Deps } from './deps.js';
import { FailedSignInAudit, type SignInFailure } from './failed-sign-in-audit.js';

/** How an identity proven elsewhere (an ID token, a Kerberos ticket) becomes an Elevate account. */
export interface IdentityPolicy {
  /** Create an account for a login Elevate does not know yet. */
  readonly createAccounts: boolean;
  /** When not empty, membership of any of these groups decides isAdmin at each sign-in. */
  readonly adminGroups: readonly string[];
}

/** A person the identity provider vouched for. */
export interface ProvenIdentity {
  /** The login the identity names, or null when it names none Elevate can use. */
  readonly login: string | null;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly groups: readonly string[];
  /** How it was proven, for the audit trail ('oidc', 'kerberos'). */
  readonly via: string;
}

interface Admission {
  readonly account: Account | undefined;
  readonly refused?: SignInFailure;
}

export type IdentityOutcome = { readonly caller: Caller } | { readonly refused: SignInFailure };

/**
 * Signs in people whose identity something else has already proven: no password is checked here,
 * only whether the named account exists (or may be created) and may act. Refusals are audited
 * like failed password sign-ins.
 */
export class IdentitySignIn {
  readonly #failures: FailedSignInAudit;

  constructor(
    private readonly deps: Deps,
    private readonly policy: IdentityPolicy,
  ) {
    this.#failures = new FailedSignInAudit(deps);
  }

  async signIn(who: ProvenIdentity, address: string): Promise<IdentityOutcome> {
    const login = who.login;
    if (login === null || !isValidLogin(login)) return this.#refuse(login ?? '', undefined, 'no login in the identity', address);
    let out: Admission;
    try {
      out = await this.#admit(who, login);
    } catch (e) {
      // Two first sign-ins of one new person at once: the other created the account; this try finds it.
      if (!this.policy.createAccounts) throw e;
      out = await this.#admit(who, login);
    }
    if (out.refused || !out.account) return this.#refuse(login, out.account, out.refused ?? 'no such account', address);
    return { caller: callerOf(out.account) };
  }

  #admit(who: ProvenIdentity, login: string): Promise<Admission> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx): Promise<Admission> => {
      const existing = await tx.accounts.byLogin(login);
      if (!existing && !this.policy.createAccounts) return { account: undefined, refused: 'no such account' };
      if (existing && !mayAct(existing, now)) return { account: existing, refused: existing.disabled ? 'account disabled' : 'account locked' };
      const admin = this.policy.adminGroups.length > 0 ? who.groups.some((g) => this.policy.adminGroups.includes(g)) : undefined;
      if (existing && (admin === undefined || admin === existing.isAdmin)) return { account: existing };
      const next: Account = existing
        ? { ...existing, isAdmin: admin! }
        : { id: this.deps.ids.newId(), login, displayName: who.displayName ?? login, email: who.email, passwordHash: null, isAdmin: admin ?? false, disabled: false, lock: null };
      if (existing) await tx.accounts.update(next);
      else await tx.accounts.insert(next);
      await tx.audit.append({
        at: now,
        actorId: null,
        action: existing ? 'account.updated' : 'account.created',
        targetType: 'account',
        targetId: next.id,
        requestId: null,
        before: existing ? publicAccount(existing) : null,
        after: { ...publicAccount(next), via: who.via },
      });
      return { account: next };
    });
  }

  /** A Kerberos principal of `realm` (see loginFromPrincipal); other realms are refused and audited. */
  async signInPrincipal(principal: string, realm: string, address: string): Promise<IdentityOutcome> {
    const mapped = loginFromPrincipal(principal, realm);
    if ('refused' in mapped) return this.#refuse(principal, undefined, mapped.refused, address);
    return this.signIn({ login: mapped.login, displayName: null, email: null, groups: [], via: 'kerberos' }, address);
  }

  async #refuse(login: string, account: Account | undefined, reason: SignInFailure, address: string): Promise<IdentityOutcome> {
    await this.#failures.record(login, account, reason, address);
    return { refused: reason };
  }
}

/**
 * `jen@CORP.EXAMPLE` is the login `jen` when CORP.EXAMPLE is the configured realm. Realms are
 * compared exactly (Kerberos names are case-sensitive); the user part is lowered, as Active
 * Directory's names are not. Service principals (`HTTP/host@REALM`) name no person: null.
 */
export function loginFromPrincipal(principal: string, realm: string): { login: string } | { refused: SignInFailure } {
  const at = principal.lastIndexOf('@');
  if (at < 1) return { refused: 'no login in the identity' };
  if (principal.slice(at + 1) !== realm) return { refused: 'foreign realm' };
  const name = principal.slice(0, at);
  if (name.includes('/')) return { refused: 'no login in the identity' };
  return { login: name.toLowerCase() };
}
