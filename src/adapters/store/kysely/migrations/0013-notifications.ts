import { type Kysely, sql } from 'kysely';
import { autoIncrementingId } from './auto-id.js';

// Notifications (issue 15): the events, written in the transaction of the state change that caused
// them, and one delivery per receiver, fanned out later by the worker. A receiver's delivery is a
// row of its own keyed by (event, receiver): each is retried on its own, and none is made twice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    // The order events happened in, even within one transaction (a decision before the access it gives).
    .addColumn('seq', ...autoIncrementingId(db))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Held back until then: the expiry warning is written when access begins.
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    // Null until the worker has written the event's deliveries.
    .addColumn('fanned_out_at', 'bigint')
    // What the event says, as it was when it happened (JSON): the request moves on.
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notifications_to_fan_out')
    .on('notifications')
    .column('not_before')
    .where(sql.ref('fanned_out_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('notification_deliveries')
    .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.id'))
    .addColumn('receiver', 'text', (c) => c.notNull())
    // The event's seq: each receiver gets events in the order they happened.
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'bigint')
    .addColumn('claimed_until', 'bigint')
    .addPrimaryKeyConstraint('notification_deliveries_pk', ['notification_id', 'receiver'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_open')
    .on('notification_deliveries')
    .column('next_attempt_at')
    .where(sql.ref('done_at'), 'is', null)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
