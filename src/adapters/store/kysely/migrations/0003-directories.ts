import { type Kysely, sql } from 'kysely';
import { autoIncrementingId } from './auto-id.js';

// Groups in LDAP directories, and the outbox of grants and revokes waiting for a directory.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('dn', 'text').execute();
  await db.schema.alterTable('groups').addColumn('member_attribute', 'text').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', ...autoIncrementingId(db))
    .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'bigint')
    .execute();
  // The worker's queue: jobs not done yet, by when they may next be tried.
  await db.schema
    .createIndex('outbox_pending')
    .on('outbox')
    .columns(['next_attempt_at', 'id'])
    .where(sql.ref('done_at'), 'is', null)
    .execute();
  await db.schema.createIndex('outbox_by_request').on('outbox').columns(['request_id', 'kind']).execute();
  await db.schema.createIndex('outbox_by_member').on('outbox').columns(['group_id', 'account_id', 'id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
