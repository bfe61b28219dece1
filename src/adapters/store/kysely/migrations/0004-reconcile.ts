import type { Kysely } from 'kysely';

// How the reconciler treats each group: off, report (audit drift only) or enforce (correct it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('reconcile', 'text', (c) => c.notNull().defaultTo('report')).execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
