import type { Kysely } from 'kysely';
import type { Instant } from '../../../domain/time.js';
import type { Session, SessionRepo, SettingsRepo } from '../../../ports/store.js';
import type { Database } from './schema.js';

export class KyselySessionRepo implements SessionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: s.tokenHash, account_id: s.accountId, csrf_token: s.csrfHash, created_at: s.createdAt, last_seen_at: s.lastSeenAt })
      .execute();
  }

  async byTokenHash(tokenHash: string): Promise<Session | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return (
      r && {
        tokenHash: r.token_hash,
        accountId: r.account_id,
        csrfHash: r.csrf_token,
        createdAt: Number(r.created_at),
        lastSeenAt: Number(r.last_seen_at),
      }
    );
  }

  async touch(tokenHash: string, at: Instant): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
  }

  async remove(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async removeForAccount(accountId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
  }

  async removeIdleSince(before: Instant, createdBefore: Instant): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('last_seen_at', '<', before), eb('created_at', '<', createdBefore)]))
      .execute();
  }
}

export class KyselySettingsRepo implements SettingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async takeLease(key: string, now: Instant, until: Instant): Promise<boolean> {
    const value = leaseText(until);
    // One statement, so two nodes racing for a lapsed lease cannot both see it lapsed and both win:
    // the conflicting upsert re-checks the condition on the row as the first writer left it.
    const r = await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }).where('settings.value', '<=', leaseText(now)))
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}

/** Lease ends as fixed-width digits, so text comparison is time order in every dialect. */
const leaseText = (at: Instant): string => String(Math.max(0, at)).padStart(16, '0');
