import type { Kysely } from 'kysely';

// Issue 11: failed factor attempts counted per account across requests (with the lockout an
// administrator lifts), and the one-time codes that let an account without a factor enrol its first.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_attempts')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_failure_at', 'bigint')
    .addColumn('locked_at', 'bigint')
    .execute();

  // Only a hash of the code: a copy of the database enrols nobody.
  await db.schema
    .createTable('mfa_enrolment_codes')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
