import type { Kysely } from 'kysely';

// Passkeys, durable WebAuthn challenges, approver step-up. TOTP secrets keep their column: they are
// sealed in place at start-up (the key is not known to migrations).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_passkeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('mfa_passkeys_by_account').on('mfa_passkeys').columns(['account_id', 'created_at']).execute();

  // Stored rather than kept in memory: a ceremony started on one node (or before a restart) must
  // finish on another. One row per purpose, subject and account, so a new challenge replaces the old.
  await db.schema
    .createTable('mfa_challenges')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('mfa_challenges_pk', ['purpose', 'subject_id', 'account_id'])
    .execute();
  await db.schema.createIndex('mfa_challenges_by_expiry').on('mfa_challenges').columns(['expires_at']).execute();

  await db.schema
    .createTable('mfa_step_up_failures')
    .addColumn('approval_id', 'text', (c) => c.notNull().references('approvals.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('mfa_step_up_failures_pk', ['approval_id', 'account_id'])
    .execute();

  await db.schema.alterTable('roles').addColumn('approver_mfa_required', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
