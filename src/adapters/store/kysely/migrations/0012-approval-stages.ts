import type { Kysely } from 'kysely';

// Approval paths (issue 14): a role's approval is a list of stages, each with people and groups
// who may vote and how many approvals it needs; an approval remembers its open stage and each
// vote the stage it was cast on. Existing approvals and votes are at stage 0, which is the one
// stage of the shorthand (approvalRequired + role_approvers) every role had until now.
//
// Required context: per role, a justification (and its minimum length) and a ticket pattern; per
// request, the ticket reference given with it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('roles').addColumn('justification_required', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('roles').addColumn('justification_min_length', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('roles').addColumn('ticket_pattern', 'text').execute();
  await db.schema.alterTable('requests').addColumn('ticket_id', 'text').execute();
  await db.schema.alterTable('approvals').addColumn('stage', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('approval_votes').addColumn('stage', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // One vote per person per stage, whatever the application checked: two tabs racing, one wins.
  await db.schema.createIndex('approval_votes_one_per_stage').unique().on('approval_votes').columns(['approval_id', 'stage', 'approver_id']).execute();

  await db.schema
    .createTable('role_approval_stages')
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_approval_stages_pk', ['role_id', 'position'])
    .execute();
  for (const [table, col, ref] of [
    ['role_stage_approvers', 'account_id', 'accounts.id'],
    ['role_stage_groups', 'group_id', 'groups.id'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn(col, 'text', (c) => c.notNull().references(ref).onDelete('cascade'))
      .addPrimaryKeyConstraint(`${table}_pk`, ['role_id', 'position', col])
      .execute();
    await db.schema.createIndex(`${table}_by_${col}`).on(table).columns([col, 'role_id', 'position']).execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
