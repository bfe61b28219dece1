import type { Kysely } from 'kysely';

// Issue 16: API tokens for people and service accounts. Only a SHA-256 of each token is kept: the
// token is 32 random bytes, so a fast hash is enough, and a copy of the database calls no API.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // Comma-separated, from the closed list in domain/token/api-token.ts.
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addUniqueConstraint('api_tokens_account_name', ['account_id', 'name'])
    .execute();
  // A service account signs in with tokens only: never a password, never a directory bind.
  await db.schema.alterTable('accounts').addColumn('service', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(): Promise<void> {
  throw new Error('Elevate migrations only move forward; restore a backup to go back.');
}
