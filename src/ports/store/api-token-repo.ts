import type { ApiToken } from '../../domain/token/api-token.js';
import type { Instant } from '../../domain/time.js';

/** API tokens; only hashes of the tokens themselves are stored. */
export interface ApiTokenRepo {
  insert(t: ApiToken): Promise<void>;
  /** The token whose secret hashes to `tokenHash`, or undefined. */
  byHash(tokenHash: string): Promise<ApiToken | undefined>;
  /** The account's tokens, by name. */
  forAccount(accountId: string): Promise<ApiToken[]>;
  /** Deletes the account's token of this name; false when there was none. */
  remove(accountId: string, name: string): Promise<boolean>;
  /** Records a use (at most once a minute is written, see ApiTokens.resolve). */
  touch(id: string, at: Instant): Promise<void>;
}
