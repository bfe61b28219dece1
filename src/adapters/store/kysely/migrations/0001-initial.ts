import { type Kysely, sql } from 'kysely';
import { autoIncrementingId } from './auto-id.js';

// Written with Kysely's schema builder and portable types only, so SQLite and PostgreSQL share it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull())
    // Logins are unique regardless of case, as Windows account names are.
    .addColumn('login_key', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('directory', 'text', (c) => c.notNull().defaultTo('embedded'))
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('ttl_seconds', 'bigint', (c) => c.notNull())
    .addColumn('mfa_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('approval_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_from', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_to', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_time_zone', 'text')
    .execute();

  for (const [table, col, ref] of [
    ['role_groups', 'group_id', 'groups.id'],
    ['role_candidates', 'account_id', 'accounts.id'],
    ['role_approvers', 'account_id', 'accounts.id'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn(col, 'text', (c) => c.notNull().references(ref).onDelete('cascade'))
      .addPrimaryKeyConstraint(`${table}_pk`, ['role_id', col])
      .execute();
    await db.schema.createIndex(`${table}_by_${col}`).on(table).columns([col, 'role_id']).execute();
  }

  await db.schema
    .createTable('requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('creator_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('justification', 'text')
    .addColumn('creation_method', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('requested_ttl_seconds', 'bigint', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('pending_until', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('ended_at', 'bigint')
    .addColumn('approval_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .execute();
  // The history views filter one requester's rows by creation or expiry time.
  await db.schema.createIndex('requests_by_creator_created').on('requests').columns(['creator_id', 'created_at']).execute();
  await db.schema.createIndex('requests_by_creator_expires').on('requests').columns(['creator_id', 'expires_at']).execute();
  await db.schema
    .createIndex('requests_by_creator_role_status')
    .on('requests')
    .columns(['creator_id', 'role_id', 'status'])
    .execute();
  await db.schema.createIndex('requests_by_role_status').on('requests').columns(['role_id', 'status']).execute();
  // The scheduler's queue: only rows with a pending time-driven step.
  await db.schema
    .createIndex('requests_due')
    .on('requests')
    .column('due_at')
    .where(sql.ref('due_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().unique().references('requests.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('comment', 'text')
    .execute();
  await db.schema.createIndex('approvals_by_status').on('approvals').columns(['status', 'request_id']).execute();

  await db.schema
    .createTable('audit')
    .addColumn('seq', ...autoIncrementingId(db))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_by_request').on('audit').columns(['request_id', 'seq']).execute();
  await db.schema.createIndex('audit_by_at').on('audit').columns(['at']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_by_account').on('sessions').columns(['account_id']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
