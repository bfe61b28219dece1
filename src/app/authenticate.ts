import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { type Account, mayAct } from '../domain/account/account.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { PasswordVerifier } from '../ports/password-verifier.js';
import type { ChangeCounts } from '../ports/store.js';
import type { Caller, Deps } from './deps.js';
import { FailedSignInAudit, type SignInFailure } from './failed-sign-in-audit.js';
import type { VerificationGate } from './verification-gate.js';

/** Where a sign-in comes from. */
export interface SignInSource {
  /** The client's address as the sign-in limits count it. */
  readonly address: string;
  /**
   * A loopback client: this machine, or a reverse proxy on it that everyone shares. Per-address
   * limits would then fall on all its users together, so they do not apply; the global ones do.
   */
  readonly loopback: boolean;
}

/** Sign-ins that do not come over HTTP (tests, tools in this process). */
const LOCAL: SignInSource = { address: 'local', loopback: true };

export function callerOf(a: Account, changeCounts?: ChangeCounts): Caller {
  return { accountId: a.id, login: a.login, isAdmin: a.isAdmin, ...(changeCounts && { changeCounts }) };
}

interface CacheEntry {
  /** The account as read when the password was checked, or last re-read. */
  readonly account: Account;
  /** The store's account change count read in the same snapshot as `account`. */
  readonly accountChanges: number;
  readonly until: number;
}

/**
 * Checks login and password. Basic credentials arrive on every call, and a memory-hard hash per call
 * would cap throughput at a few dozen requests a second, so verified credentials are remembered for
 * a short time under an HMAC key that never leaves this process. Each hit asks the store whether any
 * account changed since (a counter the database moves in the same commit as the change, whichever
 * process made it) and re-reads the account when one did, so a changed password or a disabled or
 * locked account takes effect on the very next call without a full account read on every call.
 */
export class Authenticator {
  readonly #cache = new Map<string, CacheEntry>();
  // A KeyObject, not a Buffer: Node prepares a Buffer key anew on each createHmac, through an
  // exception inside isKeyObject that cost ~60 µs a call under load (docs/benchmarks.md).
  readonly #key = createSecretKey(randomBytes(32));
  // Verifying against this for unknown logins makes "no such user" cost the same as a wrong password.
  #dummyHash: Promise<string> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly hasher: PasswordHasher,
    /** Directories that check the passwords of accounts with no local password, in order. */
    private readonly directories: readonly PasswordVerifier[] = [],
    /** Bounds the password checks that miss the cache; none when absent. */
    private readonly gate: VerificationGate | null = null,
    private readonly opts: { cacheTtlMs: number; maxEntries: number } = { cacheTtlMs: 60_000, maxEntries: 10_000 },
  ) {
    this.#failures = new FailedSignInAudit(deps);
  }

  readonly #inFlight = new Map<string, Promise<Caller | null>>();
  readonly #failures: FailedSignInAudit;

  /**
   * The caller for these credentials, or null (the failure is audited). Throws TooManyAttempts or
   * SignInBusy when the password check cannot have a turn now.
   */
  async verify(login: string, password: string, from: SignInSource = LOCAL): Promise<Caller | null> {
    const key = createHmac('sha256', this.#key).update(login.toLowerCase()).update('\0').update(password).digest('base64');
    // Many connections opening at once with the same credentials share one hash computation,
    // rather than each spending 32 MB and a core on the same scrypt.
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const p = this.#verify(key, login, password, from).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  async #verify(key: string, login: string, password: string, from: SignInSource): Promise<Caller | null> {
    const now = this.deps.clock.now();
    const hit = this.#cache.get(key);
    if (hit && hit.until > now) {
      const caller = await this.#revalidate(key, hit, login, now);
      if (caller) return caller;
    }
    if (hit) this.#cache.delete(key);
    const { account: current, counts } = await this.deps.store.read(async (tx) => ({
      account: await tx.accounts.byLogin(login),
      counts: await tx.accounts.changeCounts(),
    }));
    let reason: SignInFailure = 'wrong password';
    const check = async (): Promise<boolean> => {
      const refusal: SignInFailure | null = !current
        ? 'no such account'
        : !mayAct(current, now)
          ? current.disabled
            ? 'account disabled'
            : 'account locked'
          : current.service
            ? 'service account'
          : !current.passwordHash && this.directories.length === 0
            ? 'no password set'
            : null;
      if (refusal || !current) {
        reason = refusal ?? 'no such account';
        await this.hasher.verify(password, await this.#dummy());
        return false;
      }
      // An account with a local password signs in with it; one without, through its directory.
      if (current.passwordHash) return this.hasher.verify(password, current.passwordHash);
      reason = 'refused by the directory';
      return this.#verifyInDirectories(current.login, password);
    };
    const ok = await (this.gate ? this.gate.run(from, check) : check());
    if (!ok || !current) {
      await this.#failures.record(login, current, reason, from.address);
      return null;
    }
    if (this.#cache.size >= this.opts.maxEntries) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, { account: current, accountChanges: counts.accounts, until: now + this.opts.cacheTtlMs });
    return callerOf(current, counts);
  }

  /**
   * The caller of a cached sign-in when the account may still act: unchanged since it was cached
   * (one read of the change counts), or re-read and still the same login with the same password.
   * Null sends the caller through the full check. The caller carries the counts read, so a listing
   * kept in memory needs no read of its own (listMyRoles).
   */
  async #revalidate(key: string, hit: CacheEntry, login: string, now: number): Promise<Caller | null> {
    const counts = await this.deps.store.changeCounts();
    if (counts.accounts === hit.accountChanges) return mayAct(hit.account, now) ? callerOf(hit.account, counts) : null;
    const fresh = await this.deps.store.read(async (tx) => ({
      account: await tx.accounts.byId(hit.account.id),
      counts: await tx.accounts.changeCounts(),
    }));
    const a = fresh.account;
    if (!a || !mayAct(a, now) || a.login.toLowerCase() !== login.toLowerCase() || (a.passwordHash ?? '') !== (hit.account.passwordHash ?? '')) return null;
    this.#cache.set(key, { account: a, accountChanges: fresh.counts.accounts, until: hit.until });
    return callerOf(a, fresh.counts);
  }

  async #verifyInDirectories(login: string, password: string): Promise<boolean> {
    if (password === '') return false; // an empty password would be an anonymous bind, which "succeeds"
    for (const d of this.directories) if (await d.verify(login, password)) return true;
    return false;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.#dummyHash;
  }
}
