import type { Kysely } from 'kysely';

// Taking access away: an administrator's lock on an account (why, since when, until when, by whom),
// and the administrator's words on a request their action ended.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('lock_reason', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('locked_at', 'bigint').execute();
  await db.schema.alterTable('accounts').addColumn('locked_until', 'bigint').execute();
  await db.schema.alterTable('accounts').addColumn('locked_by', 'text').execute();
  await db.schema.alterTable('requests').addColumn('end_note', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
