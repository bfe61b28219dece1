import { join } from 'node:path';
import pg from 'pg';
import { loadSqliteDriver } from '../../src/adapters/store/sqlite/sqlite-store.js';
import type { TestCore } from './harness.js';

/** What someone holding the database (not the key) runs behind Elevate's back. */
export async function raw(tc: TestCore, sql: string): Promise<void> {
  if (tc.database !== undefined) {
    const c = new pg.Client({ connectionString: tc.database });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  } else {
    const db = new (loadSqliteDriver())(join(tc.dataDir, 'elevate.db'));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  }
}
