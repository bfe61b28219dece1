import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

type ColumnSpec = readonly ['integer' | 'bigint', (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder];

/**
 * A primary key the database numbers itself. SQLite spells it `integer primary key autoincrement`
 * (never reusing a number); PostgreSQL has no AUTOINCREMENT and uses an identity column instead.
 * The one schema difference between the dialects, so migrations stay otherwise portable.
 */
export function autoIncrementingId(db: Kysely<unknown>): ColumnSpec {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return ['bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()];
  return ['integer', (c) => c.primaryKey().autoIncrement()];
}
