import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Break-glass (issue 14): a role may be activated without approval, and each use is reviewed
// afterwards by one of its approvers. A request remembers that it was made under break-glass (the
// role may change later); a review is one row per request, so a use is reviewed once.
//
// An approver's own decisions, newest first (GET /api/me/decisions), read by an index on the voter.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('approval_votes_by_approver').on('approval_votes').columns(['approver_id', 'at']).execute();
  await db.schema.alterTable('roles').addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('requests').addColumn('break_glass', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Only break-glass requests are in it: the unreviewed listing, the re-use gate and the metric
  // read it without scanning every request ever made.
  await sql`create index requests_break_glass on requests (creator_id, role_id, created_at) where break_glass = 1`.execute(db);
  await db.schema
    .createTable('break_glass_reviews')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
    .addColumn('reviewer_id', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
