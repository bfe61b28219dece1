import { type Kysely, PostgresAdapter, sql } from 'kysely';

// A counter every change to the accounts table moves, kept by the database itself (triggers), so a
// change made by any process (another node, the CLI on the same SQLite file, an operator's SQL)
// moves it in the same commit. The credential cache compares it instead of re-reading the account
// on every call: one tiny read, and a disabled or locked account is still refused on the next call.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_changes')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into account_changes (id, n) values (1, 0)`.execute(db);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function elevate_account_changed() returns trigger language plpgsql as $$
      begin update account_changes set n = n + 1 where id = 1; return null; end $$`.execute(db);
    // Per statement: a statement that changes many accounts moves the counter once.
    await sql`create trigger accounts_changed after insert or update or delete or truncate on accounts
      for each statement execute function elevate_account_changed()`.execute(db);
    return;
  }
  for (const event of ['insert', 'update', 'delete']) {
    await sql`create trigger ${sql.raw(`accounts_changed_${event}`)} after ${sql.raw(event)} on accounts
      begin update account_changes set n = n + 1 where id = 1; end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
