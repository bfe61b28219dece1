import type { Instant } from '../../domain/time.js';

/** A signed-in browser session; only hashes of its tokens are stored. */
export interface Session {
  readonly tokenHash: string;
  readonly accountId: string;
  /** SHA-256 of the session's CSRF token (which is derived from the session token, never stored). */
  readonly csrfHash: string;
  readonly createdAt: Instant;
  readonly lastSeenAt: Instant;
}

/** Portal sessions. */
export interface SessionRepo {
  /** Stores a new session. */
  insert(s: Session): Promise<void>;
  /** The session whose token hashes to `tokenHash`, or undefined. */
  byTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** Records that the session was used at `at` (for the idle timeout). */
  touch(tokenHash: string, at: Instant): Promise<void>;
  /** Ends one session (sign-out). */
  remove(tokenHash: string): Promise<void>;
  /** Ends every session of the account (sign-out everywhere, a new password, a lock). */
  removeForAccount(accountId: string): Promise<void>;
  /** Drops sessions last seen before `before` or created before `createdBefore`. */
  removeIdleSince(before: Instant, createdBefore: Instant): Promise<void>;
}
