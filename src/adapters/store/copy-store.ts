import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import { KyselyAuditRepo, verifyAuditChain } from './kysely/audit-repo.js';
import type { Database } from './kysely/schema.js';
import { SQLITE_TRAITS } from './kysely/sql-traits.js';
import { redactDatabaseUrl } from './postgres/database-url.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SQLITE_FILE, SqliteStore } from './sqlite/sqlite-store.js';

/** Every table, parents before children, with the key that orders a stable copy. */
const TABLES: readonly { readonly name: keyof Database; readonly key: readonly string[] }[] = [
  { name: 'accounts', key: ['id'] },
  { name: 'groups', key: ['id'] },
  { name: 'group_members', key: ['group_id', 'account_id'] },
  { name: 'roles', key: ['id'] },
  { name: 'role_groups', key: ['role_id', 'group_id'] },
  { name: 'role_candidates', key: ['role_id', 'account_id'] },
  { name: 'role_candidate_groups', key: ['role_id', 'group_id'] },
  { name: 'role_approvers', key: ['role_id', 'account_id'] },
  { name: 'role_approval_stages', key: ['role_id', 'position'] },
  { name: 'role_stage_approvers', key: ['role_id', 'position', 'account_id'] },
  { name: 'role_stage_groups', key: ['role_id', 'position', 'group_id'] },
  { name: 'requests', key: ['id'] },
  { name: 'approvals', key: ['id'] },
  { name: 'approval_votes', key: ['approval_id', 'seq'] },
  { name: 'break_glass_reviews', key: ['request_id'] },
  { name: 'audit', key: ['seq'] },
  { name: 'audit_checkpoints', key: ['seq', 'key_id'] },
  { name: 'audit_export_cursors', key: ['sink'] },
  { name: 'sessions', key: ['token_hash'] },
  { name: 'settings', key: ['key'] },
  { name: 'mfa_totp', key: ['account_id'] },
  { name: 'request_mfa', key: ['request_id'] },
  { name: 'mfa_passkeys', key: ['id'] },
  { name: 'mfa_challenges', key: ['purpose', 'subject_id', 'account_id'] },
  { name: 'mfa_step_up_failures', key: ['approval_id', 'account_id'] },
  { name: 'mfa_attempts', key: ['account_id'] },
  { name: 'mfa_enrolment_codes', key: ['account_id'] },
  { name: 'outbox', key: ['id'] },
  { name: 'notifications', key: ['seq'] },
  { name: 'notification_deliveries', key: ['notification_id', 'receiver'] },
  { name: 'api_tokens', key: ['id'] },
];

/**
 * Tables the target keeps for itself: `account_changes` and `role_changes` are counters the target's
 * own triggers move as the accounts and roles arrive, so copying them would only set them back.
 */
const NOT_COPIED: readonly (keyof Database)[] = ['account_changes', 'role_changes'];

/** Rows per INSERT: well under PostgreSQL's 65,535 bound parameters for the widest table. */
const BATCH = 500;

export interface CopyReport {
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  /** Audit entries whose hash chain was recomputed on the target, and found intact. */
  readonly auditChecked: number;
}


/**
 * Moves an embedded installation to PostgreSQL: every table in dependency order inside one target
 * transaction, refusing a target that holds any row, then checks row counts and the audit chain
 * before committing. Anything wrong rolls back and leaves the target empty. The source is migrated
 * to the current schema first (as starting the server would) and otherwise only read; stop the
 * server using it before copying.
 */
export async function copySqliteToPostgres(fromDir: string, toUrl: string, opts: { accountDomain: string }): Promise<CopyReport> {
  if (!existsSync(join(fromDir, SQLITE_FILE))) throw new DomainError('NotFound', `no embedded store (${SQLITE_FILE}) in ${fromDir}`);
  const source = SqliteStore.open(fromDir, { accountDomain: opts.accountDomain });
  const target = new PostgresStore(toUrl, { accountDomain: opts.accountDomain, poolSize: 2, statementTimeoutMs: 600_000 });
  try {
    await source.migrate();
    await target.migrate();
    await refuseUnknownTables(source);
    return await copyAll(source, target, toUrl);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    // Unreachable server, wrong password, missing database: say which, never with the password.
    throw new DomainError('StoreUnavailable', `cannot copy into ${redactDatabaseUrl(toUrl)}: ${(e as Error).message}`);
  } finally {
    await target.close();
    await source.close();
  }
}

/** A table a later migration added but this list forgot would be lost in the move: refuse instead. */
async function refuseUnknownTables(source: SqliteStore): Promise<void> {
  const known = new Set<string>([...TABLES.map((t) => t.name), ...NOT_COPIED]);
  const tables = await source.kysely().introspection.getTables();
  const missing = tables.map((t) => t.name).filter((n) => !known.has(n));
  if (missing.length > 0) throw new Error(`db copy does not know how to copy table(s) ${missing.join(', ')}; nothing was copied`);
}

async function copyAll(source: SqliteStore, target: PostgresStore, toUrl: string): Promise<CopyReport> {
  return target
    .kysely()
    .transaction()
    .execute(async (to) => {
      for (const t of TABLES) {
        const any = await to.selectFrom(t.name).select((eb) => eb.lit(1).as('x')).limit(1).executeTakeFirst();
        if (any) throw new DomainError('Conflict', `the target ${redactDatabaseUrl(toUrl)} is not empty (table ${t.name} has rows); copy into a new database`);
      }
      const tables: { table: string; rows: number }[] = [];
      for (const t of TABLES) {
        const rows = await copyTable(source.kysely(), to, t.name, t.key);
        // Paging by key would skip a row whose key SQLite let be NULL: count both ends.
        const [here, there] = await Promise.all([countRows(source.kysely(), t.name), countRows(to, t.name)]);
        if (here !== rows || there !== rows) throw new DomainError('Conflict', `table ${t.name}: ${here} rows in the source, ${rows} read, ${there} in the target`);
        tables.push({ table: t.name, rows });
      }
      // Identity columns count on from the highest copied number, or the next outbox job would collide.
      for (const [table, column] of [['outbox', 'id'], ['audit', 'seq'], ['notifications', 'seq']] as const) {
        await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(to);
      }
      const before = await verifyAuditChain(new KyselyAuditRepo(source.kysely(), SQLITE_TRAITS).all());
      const after = await verifyAuditChain(new KyselyAuditRepo(to, SQLITE_TRAITS).all());
      if (after.brokenAtSeq !== null || after.checked !== before.checked) {
        throw new DomainError('Conflict', `the audit chain does not verify on the target (checked ${after.checked}, broken at ${after.brokenAtSeq ?? '-'}; source ${before.checked})`);
      }
      return { tables, auditChecked: after.checked };
    });
}

async function countRows(db: Kysely<Database>, table: keyof Database): Promise<number> {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

async function copyTable(from: Kysely<Database>, to: Kysely<Database>, table: keyof Database, key: readonly string[]): Promise<number> {
  let copied = 0;
  for await (const rows of pagesOf(from, table, key, BATCH)) {
    await to.insertInto(table).values(rows as never).execute();
    copied += rows.length;
  }
  return copied;
}

/**
 * The rows of `table` in `key` order, `size` at a time. Each page starts after the last key of the
 * page before (keyset paging), an index seek: OFFSET would read and skip every earlier row again for
 * each page, so copying a table would take time quadratic in its size.
 */
export async function* pagesOf(db: Kysely<Database>, table: keyof Database, key: readonly string[], size: number): AsyncIterable<Record<string, unknown>[]> {
  let after: readonly unknown[] | null = null;
  for (;;) {
    let q = db.selectFrom(table).selectAll();
    if (after !== null) {
      const last = after;
      q = q.where(() => sql<boolean>`(${sql.join(key.map((k) => sql.ref(k)))}) > (${sql.join(last.map((v) => sql`${v}`))})`);
    }
    for (const k of key) q = q.orderBy(k as never);
    const rows = (await q.limit(size).execute()) as Record<string, unknown>[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < size) return;
    const tail = rows[rows.length - 1]!;
    after = key.map((k) => tail[k]);
  }
}
