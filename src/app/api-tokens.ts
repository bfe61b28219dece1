import { createHash, randomBytes } from 'node:crypto';
import { mayAct } from '../domain/account/account.js';
import { DomainError } from '../domain/errors.js';
import {
  type ApiToken,
  DEFAULT_TOKEN_LIFETIME_MS,
  MAX_TOKEN_LIFETIME_MS,
  TOKEN_PREFIX,
  TOKEN_SCOPES,
  type TokenScope,
  isTokenScope,
  isValidTokenName,
  looksLikeToken,
} from '../domain/token/api-token.js';
import type { StoreTx } from '../ports/store.js';
import { accountByLogin } from './admin/users.js';
import type { Caller, Deps } from './deps.js';

/**
 * A token is 32 random bytes, so guessing or brute-forcing its hash is hopeless: a fast SHA-256 is
 * the right hash here (a memory-hard one would only slow every API call). Lookup is by the hash, an
 * exact match in an index, so no comparison of secrets happens in JavaScript at all.
 */
export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** What an owner or administrator sees of a token: never the token or its hash. */
export interface TokenView {
  readonly name: string;
  readonly login: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number | null;
}

export interface NewToken {
  readonly name: string;
  readonly scopes: readonly string[];
  /** How long it lives; the default when absent, never more than MAX_TOKEN_LIFETIME_MS. */
  readonly lifetimeMs?: number | undefined;
}

const view = (t: ApiToken, login: string): TokenView => ({
  name: t.name,
  login,
  scopes: t.scopes,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
});

/**
 * Whose tokens the caller may see or change: their own, or anyone's for an administrator. A token
 * may list tokens but never create or revoke one, so a stolen token cannot mint another or end the rest.
 */
async function ownerFor(tx: StoreTx, caller: Caller, login: string | undefined, purpose: 'list' | 'change' = 'change') {
  if (caller.token && purpose === 'change') throw new DomainError('Forbidden', 'API tokens cannot manage API tokens; sign in with your password.');
  if (login === undefined || login.toLowerCase() === caller.login.toLowerCase()) {
    const self = await tx.accounts.byId(caller.accountId);
    if (!self) throw new DomainError('NotFound', `There is no user '${caller.login}'.`);
    return self;
  }
  if (!caller.isAdmin) throw new DomainError('Forbidden', "Only administrators manage other people's tokens.");
  return accountByLogin(tx, login);
}

function checkNew(spec: NewToken, ownerIsAdmin: boolean): { scopes: TokenScope[]; lifetimeMs: number } {
  // `current` names the token a call is made with (DELETE /api/me/tokens/current).
  if (!isValidTokenName(spec.name) || spec.name.toLowerCase() === 'current') throw new DomainError('BadRequest', `'${spec.name}' is not a valid token name: use 1-64 letters, digits, '.', '_' or '-'.`);
  const scopes = [...new Set(spec.scopes.map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))];
  if (scopes.length === 0) throw new DomainError('BadRequest', `Give the token at least one scope: ${TOKEN_SCOPES.join(', ')}.`);
  const unknown = scopes.filter((s) => !isTokenScope(s));
  if (unknown.length > 0) throw new DomainError('BadRequest', `Unknown scope ${unknown.join(', ')}; scopes are ${TOKEN_SCOPES.join(', ')}.`);
  if (scopes.includes('admin') && !ownerIsAdmin) throw new DomainError('BadRequest', 'Only an administrator’s token can have the admin scope.');
  const lifetimeMs = spec.lifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
  if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs < 60_000 || lifetimeMs > MAX_TOKEN_LIFETIME_MS) {
    throw new DomainError('BadRequest', 'A token lives from one minute to 366 days.');
  }
  return { scopes: TOKEN_SCOPES.filter((s) => scopes.includes(s)), lifetimeMs };
}

/** Creates a token for `login` (the caller when absent); the token itself is returned this once only. */
export async function createApiToken(deps: Deps, caller: Caller, spec: NewToken, login?: string): Promise<{ token: string; info: TokenView }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return deps.store.transaction(async (tx) => {
    const owner = await ownerFor(tx, caller, login);
    const { scopes, lifetimeMs } = checkNew(spec, owner.isAdmin);
    if ((await tx.apiTokens.forAccount(owner.id)).some((t) => t.name === spec.name)) {
      throw new DomainError('Conflict', `${owner.login} already has a token named '${spec.name}'; revoke it first or choose another name.`);
    }
    const now = deps.clock.now();
    const t: ApiToken = {
      id: deps.ids.newId(),
      accountId: owner.id,
      name: spec.name,
      tokenHash: hashApiToken(token),
      scopes,
      createdAt: now,
      createdBy: caller.accountId,
      expiresAt: now + lifetimeMs,
      lastUsedAt: null,
    };
    await tx.apiTokens.insert(t);
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: 'token.created',
      targetType: 'account',
      targetId: owner.id,
      requestId: null,
      before: null,
      after: { token: t.name, scopes, expiresAt: t.expiresAt },
    });
    return { token, info: view(t, owner.login) };
  });
}

export async function listApiTokens(deps: Deps, caller: Caller, login?: string): Promise<TokenView[]> {
  return deps.store.read(async (tx) => {
    const owner = await ownerFor(tx, caller, login, 'list');
    return (await tx.apiTokens.forAccount(owner.id)).map((t) => view(t, owner.login));
  });
}

/** Revokes the token named `name` of `login` (the caller when absent). */
export async function revokeApiToken(deps: Deps, caller: Caller, name: string, login?: string): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const owner = await ownerFor(tx, caller, login);
    await removeToken(deps, tx, caller, owner.id, name);
  });
}

/** Revokes the token the caller is using (`elevate logout`): the one thing a token may do to tokens. */
export async function revokeCurrentToken(deps: Deps, caller: Caller): Promise<void> {
  if (!caller.token) throw new DomainError('BadRequest', 'This call revokes the API token it is made with; send one as Authorization: Bearer.');
  const name = caller.token.name;
  await deps.store.transaction((tx) => removeToken(deps, tx, caller, caller.accountId, name));
}

async function removeToken(deps: Deps, tx: StoreTx, caller: Caller, accountId: string, name: string): Promise<void> {
  if (!(await tx.apiTokens.remove(accountId, name))) throw new DomainError('NotFound', `There is no token named '${name}'.`);
  await tx.audit.append({
    at: deps.clock.now(),
    actorId: caller.accountId,
    action: 'token.revoked',
    targetType: 'account',
    targetId: accountId,
    requestId: null,
    before: { token: name },
    after: null,
  });
}

/**
 * The caller behind a token, or null: unknown, expired, or its account disabled, locked or gone.
 * The `admin` scope counts only while the account is an administrator.
 */
export async function resolveApiToken(deps: Deps, token: string): Promise<Caller | null> {
  if (!looksLikeToken(token)) return null;
  const hash = hashApiToken(token);
  const now = deps.clock.now();
  const found = await deps.store.read(async (tx) => {
    const t = await tx.apiTokens.byHash(hash);
    return t && { t, account: await tx.accounts.byId(t.accountId) };
  });
  if (!found || !found.account || now >= found.t.expiresAt || !mayAct(found.account, now)) return null;
  const { t, account } = found;
  // Only write when a minute has passed: an API client should not cost an fsync per call.
  if (t.lastUsedAt === null || now - t.lastUsedAt > 60_000) await deps.store.transaction((tx) => tx.apiTokens.touch(t.id, now));
  return {
    accountId: account.id,
    login: account.login,
    isAdmin: account.isAdmin && t.scopes.includes('admin'),
    token: { id: t.id, name: t.name, scopes: t.scopes },
  };
}

/** Records that a token changed something, under its name (see http/plugins/bearer.ts). */
export async function auditTokenUse(deps: Deps, caller: Caller, what: { method: string; route: string }): Promise<void> {
  if (!caller.token) return;
  const token = caller.token.name;
  await deps.store.transaction((tx) =>
    tx.audit.append({
      at: deps.clock.now(),
      actorId: caller.accountId,
      action: 'token.used',
      targetType: 'account',
      targetId: caller.accountId,
      requestId: null,
      before: null,
      after: { token, ...what },
    }),
  );
}
