import type { Kysely } from 'kysely';

// A role's own notification settings (issue 15): its expiry warning lead time, and the Slack channel
// and Teams webhook (by its name in the config; the URL is a secret kept in a file) its events go
// to. And an index for a person's last deliveries. null everywhere: the server's settings, as every role had until now.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('roles').addColumn('notify_expiry_warning_minutes', 'integer').execute();
  await db.schema.alterTable('roles').addColumn('notify_slack_channel', 'text').execute();
  await db.schema.alterTable('roles').addColumn('notify_teams_channel', 'text').execute();
  // A person's last deliveries (GET /api/me/notifications) are read by receiver, newest first.
  await db.schema.createIndex('notification_deliveries_receiver').on('notification_deliveries').columns(['receiver', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
