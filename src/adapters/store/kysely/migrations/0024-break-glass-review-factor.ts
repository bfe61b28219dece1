import type { Kysely } from 'kysely';

// A break-glass review of a role with approverMfaRequired needs the reviewer's step-up, as an
// approval does; the review keeps the factor that passed, as a vote does (null: none was asked).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('break_glass_reviews').addColumn('factor', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
