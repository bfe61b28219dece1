import { type Kysely, sql } from 'kysely';

// An approval is a fold over its votes (issue 13): each approver's decision is a row of its own,
// so quorums and stages can count several. Approvals decided before this migration had exactly one
// deciding vote, kept in their own columns; it becomes their first vote, so they read as before.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('approval_votes')
    .addColumn('approval_id', 'text', (c) => c.notNull().references('approvals.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('factor', 'text')
    // One vote per place in the sequence: two approvers racing for the same place, one wins.
    .addPrimaryKeyConstraint('approval_votes_pk', ['approval_id', 'seq'])
    .execute();
  await db
    .insertInto('approval_votes')
    .columns(['approval_id', 'seq', 'approver_id', 'at', 'decision', 'comment', 'factor'])
    .expression(
      db
        .selectFrom('approvals')
        .select([
          'id',
          sql<number>`0`.as('seq'),
          'decided_by',
          'decided_at',
          sql<string>`case when status = 'Approved' then 'approve' else 'reject' end`.as('decision'),
          'comment',
          sql<null>`null`.as('factor'),
        ])
        .where('status', 'in', ['Approved', 'Rejected'])
        .where('decided_by', 'is not', null)
        .where('decided_at', 'is not', null),
    )
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
