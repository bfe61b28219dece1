import type { Kysely } from 'kysely';

// Audit export (issue 17 §4): one row per configured sink, holding how far it has been sent (the
// audit seq and the newest checkpoint seq sent) and which node may send it until when, so that with
// several nodes on one database one sends per sink and a restart resumes where the last one stopped.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_export_cursors')
    .addColumn('sink', 'text', (c) => c.primaryKey())
    .addColumn('audit_seq', 'bigint', (c) => c.notNull())
    .addColumn('checkpoint_seq', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('holder', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
