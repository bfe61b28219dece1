import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Account } from '../../../domain/account/account.js';
import type { AccountRepo, ChangeCounts, NamePageQuery, RowsPage } from '../../../ports/store.js';
import { MAX_BOUND, chunks } from './chunks.js';
import { CompiledOnce } from './compiled-once.js';
import { containsPattern, likes, slicePage } from './name-like.js';
import type { AccountTable, Database } from './schema.js';
import type { SqlTraits } from './sql-traits.js';

const toAccount = (r: Selectable<AccountTable>): Account =>
  Object.freeze({
    id: r.id,
    login: r.login,
    displayName: r.display_name,
    email: r.email,
    passwordHash: r.password_hash,
    isAdmin: r.is_admin === 1,
    disabled: r.disabled === 1,
    lock:
      r.lock_reason === null || r.locked_at === null
        ? null
        : { reason: r.lock_reason, lockedAt: Number(r.locked_at), until: r.locked_until === null ? null : Number(r.locked_until), lockedBy: r.locked_by ?? '' },
    ...(Number(r.service) === 1 && { service: true }),
  });

const toRow = (a: Account): Insertable<AccountTable> & { id: string } => ({
  id: a.id,
  login: a.login,
  login_key: a.login.toLowerCase(),
  display_name: a.displayName,
  email: a.email,
  password_hash: a.passwordHash,
  is_admin: a.isAdmin ? 1 : 0,
  disabled: a.disabled ? 1 : 0,
  lock_reason: a.lock?.reason ?? null,
  locked_at: a.lock?.lockedAt ?? null,
  locked_until: a.lock?.until ?? null,
  locked_by: a.lock?.lockedBy ?? null,
  service: a.service ? 1 : 0,
});

// Both counters in one statement: read on every call that signs in with Basic credentials.
const CHANGE_COUNTS = new CompiledOnce((db) =>
  db.selectFrom('account_changes as a').innerJoin('role_changes as r', 'r.id', 'a.id').select(['a.n as accounts', 'r.n as roles']).where('a.id', '=', 1),
);

export class KyselyAccountRepo implements AccountRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async lockForChange(id: string): Promise<void> {
    // One node's SQLite transactions already run one at a time (BEGIN IMMEDIATE).
    if (!this.traits.sharedByNodes) return;
    await this.db.selectFrom('accounts').select('id').where('id', '=', id).forUpdate().execute();
  }

  async lockManyForChange(ids: readonly string[]): Promise<void> {
    if (!this.traits.sharedByNodes || ids.length === 0) return;
    // Sorted, and ORDER BY below FOR UPDATE locks rows in that order: every batch takes the locks
    // it shares with another in the same order, so the two queue instead of deadlocking.
    for (const part of chunks([...new Set(ids)].sort(), MAX_BOUND)) {
      await this.db.selectFrom('accounts').select('id').where('id', 'in', part).orderBy('id').forUpdate().execute();
    }
  }

  async byIds(ids: readonly string[]): Promise<Account[]> {
    const out: Account[] = [];
    for (const part of chunks([...new Set(ids)], MAX_BOUND)) {
      out.push(...(await this.db.selectFrom('accounts').selectAll().where('id', 'in', part).execute()).map(toAccount));
    }
    return out;
  }

  async byId(id: string): Promise<Account | undefined> {
    const r = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toAccount(r);
  }

  async changeCounts(): Promise<ChangeCounts> {
    const [r] = await CHANGE_COUNTS.execute(this.db);
    if (!r) throw new Error('account_changes or role_changes has no row; the store is not migrated');
    return { accounts: Number(r.accounts), roles: Number(r.roles) };
  }

  async byLogin(login: string): Promise<Account | undefined> {
    const r = await this.db.selectFrom('accounts').selectAll().where('login_key', '=', login.toLowerCase()).executeTakeFirst();
    return r && toAccount(r);
  }

  async withEmail(email: string): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).execute();
    return rows.map(toAccount);
  }

  async list(): Promise<Account[]> {
    return (await this.db.selectFrom('accounts').selectAll().orderBy('login_key').execute()).map(toAccount);
  }

  async page(q: NamePageQuery): Promise<RowsPage<Account>> {
    let base = this.db.selectFrom('accounts');
    if (q.search !== null) {
      const p = containsPattern(q.search);
      // login_key is stored lower-case; the other two are folded here. A contains-search reads
      // every row (no B-tree serves '%x%'), but only the page's rows leave the database.
      base = base.where((eb) => eb.or([likes(eb.ref('login_key'), p), likes(eb.fn('lower', ['display_name']), p), likes(eb.fn('lower', ['email']), p)]));
    }
    const counted = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    // By the unique login_key: a total order, so consecutive pages neither overlap nor skip a row.
    const rows = await slicePage(base.selectAll().orderBy('login_key'), q).execute();
    return { rows: rows.map(toAccount), total: Number(counted.n) };
  }

  async insert(a: Account): Promise<void> {
    await this.db.insertInto('accounts').values(toRow(a)).execute();
  }

  async update(a: Account): Promise<void> {
    const { id, ...rest } = toRow(a);
    await this.db.updateTable('accounts').set(rest).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('accounts').where('id', '=', id).execute();
  }
}
