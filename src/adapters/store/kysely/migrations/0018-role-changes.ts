import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Every table a caller's role listing reads, or may read when the listing grows a field. */
const ROLE_TABLES = ['roles', 'role_candidates', 'role_groups', 'role_approvers', 'role_approval_stages', 'role_stage_approvers', 'role_stage_groups'];

// A counter every change to a role or its links moves, kept by the database itself (triggers, as
// `account_changes` in 0017), so a change made by any process moves it in the same commit. The role
// listing cache compares it instead of running the listing: one tiny read per GET pamroles.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('role_changes')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into role_changes (id, n) values (1, 0)`.execute(db);
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function elevate_role_changed() returns trigger language plpgsql as $$
      begin update role_changes set n = n + 1 where id = 1; return null; end $$`.execute(db);
    // Per statement, TRUNCATE included: a statement that changes many rows moves the counter once.
    for (const table of ROLE_TABLES) {
      await sql`create trigger ${sql.raw(`${table}_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function elevate_role_changed()`.execute(db);
    }
    return;
  }
  await clusterGroupMembers(db);
  // SQLite has no statement triggers and no TRUNCATE (a DELETE without WHERE fires row triggers).
  for (const table of ROLE_TABLES) {
    for (const event of ['insert', 'update', 'delete']) {
      await sql`create trigger ${sql.raw(`${table}_changed_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
        begin update role_changes set n = n + 1 where id = 1; end`.execute(db);
    }
  }
}

/**
 * SQLite: `group_members` becomes a WITHOUT ROWID table, stored in its primary key's order. Before, a
 * membership was a rowid row plus an entry in the key's separate index, so a mass expiry's delete
 * rewrote two b-trees at random places per membership; now it rewrites one. Nothing references the
 * table and no trigger reads it, so it is rebuilt and renamed in place.
 */
async function clusterGroupMembers(db: Kysely<unknown>): Promise<void> {
  await sql`create table group_members_clustered (
    group_id text not null references groups (id) on delete cascade,
    account_id text not null references accounts (id) on delete cascade,
    constraint group_members_pk primary key (group_id, account_id)
  ) without rowid`.execute(db);
  await sql`insert into group_members_clustered (group_id, account_id) select group_id, account_id from group_members`.execute(db);
  await sql`drop table group_members`.execute(db);
  await sql`alter table group_members_clustered rename to group_members`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
