import type { Kysely } from 'kysely';

// Several nodes on one database: an outbox job is claimed for a while by the worker applying it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('claimed_until', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
