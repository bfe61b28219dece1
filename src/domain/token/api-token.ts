import type { Instant } from '../time.js';

/**
 * What a token may do. Each route declares the one it needs (http/plugins/token-scopes.ts); a route
 * that declares none refuses every token.
 */
export const TOKEN_SCOPES = ['read', 'request', 'approve', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Secret scanners recognise Elevate tokens by this prefix (and a leaked one is easy to search for). */
export const TOKEN_PREFIX = 'elv_';

/** A token as stored: never the token itself, only its hash. */
export interface ApiToken {
  readonly id: string;
  readonly accountId: string;
  /** Unique per account; how the owner, the audit trail and `token revoke` name it. */
  readonly name: string;
  readonly tokenHash: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: Instant;
  /** Account id of whoever created it (the owner or an administrator). */
  readonly createdBy: string;
  readonly expiresAt: Instant;
  readonly lastUsedAt: Instant | null;
}

/** The longest a token may live: a forgotten token should not outlive the year. */
export const MAX_TOKEN_LIFETIME_MS = 366 * 24 * 3_600_000;
export const DEFAULT_TOKEN_LIFETIME_MS = 90 * 24 * 3_600_000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidTokenName(name: string): boolean {
  return NAME.test(name);
}

export function isTokenScope(s: string): s is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(s);
}

/** Whether the token carries `scope`; the `admin` scope also needs an administrator behind it. */
export function tokenAllows(scopes: readonly TokenScope[], scope: TokenScope): boolean {
  return scopes.includes(scope);
}

/** A string that looks like an Elevate token: the prefix and 43 base64url characters (32 bytes). */
export function looksLikeToken(s: string): boolean {
  return /^elv_[A-Za-z0-9_-]{43}$/.test(s);
}
