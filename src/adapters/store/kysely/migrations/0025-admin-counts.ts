import { type Kysely, sql } from 'kysely';

// The admin dashboard counts requests waiting for MFA, an approver or their start (issue 18) with
// COUNT ... GROUP BY status instead of loading every open request. Held ones are counted through
// requests_holding (0016); this partial index holds the waiting ones, a few rows at any time. An
// expiry (Active to Expired) never touches it, so the cost 0016 took off expiries stays off.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('requests_waiting')
    .on('requests')
    .column('status')
    .where(sql.ref('status'), 'in', [sql.lit('PendingMFA'), sql.lit('PendingApproval'), sql.lit('Scheduled')])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
