import type { Kysely } from 'kysely';

// Auto-approval rules (issue 14 §4). A role's rules are one small JSON document beside the role
// (a list of conditions read whole, never queried piecemeal); a request keeps the name of the rule
// that approved it, since the rule may be renamed or removed later. null everywhere: no rules, as
// every role and request had until now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('roles').addColumn('auto_approve', 'text').execute();
  await db.schema.alterTable('requests').addColumn('auto_approved_by', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
