import type { Kysely, Selectable } from 'kysely';
import { type ApiToken, type TokenScope, isTokenScope } from '../../../domain/token/api-token.js';
import type { Instant } from '../../../domain/time.js';
import type { ApiTokenRepo } from '../../../ports/store.js';
import type { ApiTokenTable, Database } from './schema.js';

const fromRow = (r: Selectable<ApiTokenTable>): ApiToken => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  tokenHash: r.token_hash,
  // A scope this version does not know grants nothing.
  scopes: r.scopes.split(',').filter(isTokenScope) as TokenScope[],
  createdAt: Number(r.created_at),
  createdBy: r.created_by,
  expiresAt: Number(r.expires_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

export class KyselyApiTokenRepo implements ApiTokenRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(t: ApiToken): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        account_id: t.accountId,
        name: t.name,
        token_hash: t.tokenHash,
        scopes: t.scopes.join(','),
        created_at: t.createdAt,
        created_by: t.createdBy,
        expires_at: t.expiresAt,
        last_used_at: t.lastUsedAt,
      })
      .execute();
  }

  async byHash(tokenHash: string): Promise<ApiToken | undefined> {
    const r = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && fromRow(r);
  }

  async forAccount(accountId: string): Promise<ApiToken[]> {
    return (await this.db.selectFrom('api_tokens').selectAll().where('account_id', '=', accountId).orderBy('name').execute()).map(fromRow);
  }

  async remove(accountId: string, name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('api_tokens').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async touch(id: string, at: Instant): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
