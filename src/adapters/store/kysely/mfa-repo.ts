import type { Kysely } from 'kysely';
import type { MfaRepo, TotpFactor } from '../../../ports/store.js';
import type { Database } from './schema.js';

export class KyselyMfaRepo implements MfaRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async totp(accountId: string): Promise<TotpFactor | undefined> {
    const r = await this.db.selectFrom('mfa_totp').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return (
      r && {
        accountId: r.account_id,
        secret: r.secret,
        confirmed: r.confirmed === 1,
        lastStep: Number(r.last_step),
        createdAt: Number(r.created_at),
      }
    );
  }

  async saveTotp(f: TotpFactor): Promise<void> {
    const row = { secret: f.secret, confirmed: f.confirmed ? 1 : 0, last_step: f.lastStep, created_at: f.createdAt };
    await this.db
      .insertInto('mfa_totp')
      .values({ account_id: f.accountId, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
  }

  async removeAll(accountId: string): Promise<void> {
    await this.db.deleteFrom('mfa_totp').where('account_id', '=', accountId).execute();
  }

  async failures(requestId: string): Promise<number> {
    const r = await this.db.selectFrom('request_mfa').select('failures').where('request_id', '=', requestId).executeTakeFirst();
    return r?.failures ?? 0;
  }

  async setFailures(requestId: string, n: number): Promise<void> {
    await this.db
      .insertInto('request_mfa')
      .values({ request_id: requestId, failures: n })
      .onConflict((oc) => oc.column('request_id').doUpdateSet({ failures: n }))
      .execute();
  }
}
