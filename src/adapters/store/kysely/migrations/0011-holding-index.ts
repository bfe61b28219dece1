import { type Kysely, sql } from 'kysely';

// Who holds what right now: the Processing and Active elevations, a small part of a store that keeps
// years of history. Set-based expiry asks it for a whole batch of accounts at once (which groups do
// they still hold), and a scan of each account's history, or of the table, would grow with the years.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('requests_holding')
    .on('requests')
    .columns(['creator_id', 'role_id'])
    .where(sql.ref('status'), 'in', [sql.lit('Processing'), sql.lit('Active')])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
