import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Candidate groups (issue 14 §1): a role may be requested by the members of groups, embedded or in
// an LDAP directory, beside the people it names. The link moves `role_changes` (0018) like every
// other role link, so a caller's cached role listing is refreshed when a role gains or loses a group.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('role_candidate_groups')
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('role_candidate_groups_pk', ['role_id', 'group_id'])
    .execute();
  await db.schema.createIndex('role_candidate_groups_by_group').on('role_candidate_groups').columns(['group_id', 'role_id']).execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create trigger role_candidate_groups_changed after insert or update or delete or truncate on role_candidate_groups
      for each statement execute function elevate_role_changed()`.execute(db);
    return;
  }
  for (const event of ['insert', 'update', 'delete']) {
    await sql`create trigger ${sql.raw(`role_candidate_groups_changed_${event}`)} after ${sql.raw(event)} on role_candidate_groups
      begin update role_changes set n = n + 1 where id = 1; end`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
