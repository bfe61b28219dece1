import { type Kysely, sql } from 'kysely';

// Fewer index entries rewritten per expiry (issue 13: 100,000 expiries in seconds). Ending an
// elevation changes its status and clears its due instant, and every index over `status` took a
// delete and an insert at a random place for it: requests_by_creator_role_status and
// requests_by_role_status were two of the four indexes an expiry rewrote, and most of its cost on
// SQLite. Every query that filtered on status reads elevations held now (Processing, Active), which
// the partial index requests_holding already covers; an ended elevation only drops out of it. It
// leads with the role now, so one index serves a role's holders (holdersOf), one person's holdings
// of a role, and the held-groups check of a batch (role_groups by group, then role and account).
// existsForRole and the foreign key from requests to roles keep an index on role_id alone, which a
// change of status never touches.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('requests_by_creator_role_status').execute();
  await db.schema.dropIndex('requests_by_role_status').execute();
  await db.schema.dropIndex('requests_holding').execute();
  await db.schema.createIndex('requests_by_role').on('requests').column('role_id').execute();
  await db.schema
    .createIndex('requests_holding')
    .on('requests')
    .columns(['role_id', 'creator_id'])
    .where(sql.ref('status'), 'in', [sql.lit('Processing'), sql.lit('Active')])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
