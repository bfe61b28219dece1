import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { migrations } from '../../../src/adapters/store/kysely/migrations/index.js';
import { DEMO_TOTP_SECRET } from '../../../src/app/demo.js';
import { API, FakeClock, type TestApp, basic, makeApp, tempDir } from '../../support/harness.js';
import { dropDatabase, emptyDatabase } from '../../support/pg.js';
import { loadSqliteDriver } from '../../../src/adapters/store/sqlite/sqlite-store.js';

// The driver the store uses.
const Database = loadSqliteDriver();

/*
 * Every migration from every earlier schema version: test/fixtures/stores holds one store made by
 * the code of each version Elevate has had (scripts/make-store-fixtures.sh), and each is opened by
 * the current code, which migrates it to whatever `migrations` holds now. Nothing here names a
 * migration, so one added later is tested from every older store without editing this file.
 */

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/stores/', import.meta.url));
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.db'))
  .map((f) => f.slice(0, -'.db'.length))
  .sort();

/** What the old store held, read straight from its file before any current code touches it. */
interface Before {
  readonly migrations: string[];
  readonly counts: Map<string, number>;
  readonly accounts: { login: string; isAdmin: boolean; disabled: boolean }[];
  readonly roles: { name: string; mfaRequired: boolean; approvalRequired: boolean }[];
  readonly requests: Map<string, { status: string; login: string; justification: string | null }>;
  readonly lastAuditAt: number;
}

function readBefore(file: string): Before {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'").all() as { name: string }[];
    const counts = new Map(tables.map((t) => [t.name, (db.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n]));
    const accounts = (db.prepare('select login, is_admin, disabled from accounts').all() as { login: string; is_admin: number; disabled: number }[]).map((a) => ({
      login: a.login,
      isAdmin: a.is_admin === 1,
      disabled: a.disabled === 1,
    }));
    const roles = (db.prepare('select name, mfa_required, approval_required from roles').all() as { name: string; mfa_required: number; approval_required: number }[]).map((r) => ({
      name: r.name,
      mfaRequired: r.mfa_required === 1,
      approvalRequired: r.approval_required === 1,
    }));
    const rows = db.prepare('select r.id, r.status, r.justification, a.login from requests r join accounts a on a.id = r.creator_id').all() as {
      id: string;
      status: string;
      justification: string | null;
      login: string;
    }[];
    return {
      migrations: (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((m) => m.name),
      counts,
      accounts,
      roles,
      requests: new Map(rows.map((r) => [r.id, { status: r.status, login: r.login, justification: r.justification }])),
      lastAuditAt: (db.prepare('select max(at) as at from audit').get() as { at: number }).at,
    };
  } finally {
    db.close();
  }
}

/** The fixture's MFA key, if its version made one: secrets sealed by it must stay readable. */
function mfaKeyFile(name: string): string | undefined {
  const f = join(FIXTURES, `${name}.mfa.key`);
  return existsSync(f) ? f : undefined;
}

async function mim(t: TestApp, login: string, method: 'GET' | 'POST', url: string, payload?: Record<string, string>) {
  const res = await t.app.inject({ method, url: `${API}/${url}`, headers: basic(login), ...(payload && { payload }) });
  assert.ok(res.statusCode < 300, `${login} ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.body === '' ? null : res.json();
}

const statusesOf = async (t: TestApp, login: string) =>
  new Map<string, string>((await mim(t, login, 'GET', 'pamrequests')).value.map((r: { RequestId: string; RequestStatus: string }) => [r.RequestId, r.RequestStatus]));

/** The checks every upgraded store must pass, on SQLite and on PostgreSQL alike. */
async function checkUpgraded(t: TestApp, before: Before, countRows: (table: string) => Promise<number | undefined>): Promise<void> {
  const store = t.core.store;

  // Nothing lost: every table the old store had keeps at least its rows.
  for (const [table, n] of before.counts) {
    const now = await countRows(table);
    if (now === undefined) continue; // a table a later migration replaced; its content is checked below
    assert.ok(now >= n, `${table}: ${n} rows before the upgrade, ${now} after`);
  }

  // People, with their rights and state.
  const accounts = await store.read((tx) => tx.accounts.list());
  for (const a of before.accounts) {
    const now = accounts.find((x) => x.login === a.login);
    assert.ok(now, `account ${a.login} lost`);
    assert.deepEqual([now.isAdmin, now.disabled], [a.isAdmin, a.disabled], `account ${a.login}`);
  }
  assert.ok(before.accounts.some((a) => a.isAdmin) && before.accounts.some((a) => a.disabled), 'the fixture has an admin and a disabled user');

  // Roles, with approval and MFA.
  for (const r of before.roles) {
    const now = await store.read((tx) => tx.roles.byName(r.name));
    assert.ok(now, `role ${r.name} lost`);
    assert.deepEqual([now.mfaRequired, now.approvalRequired], [r.mfaRequired, r.approvalRequired], `role ${r.name}`);
  }

  // Requests, through the MIM API as each requester sees them: the same ids in the same states.
  const logins = [...new Set([...before.requests.values()].map((r) => r.login))];
  const seen = new Map<string, string>();
  for (const login of logins) for (const [id, status] of await statusesOf(t, login)) seen.set(id, status);
  for (const [id, r] of before.requests) assert.equal(seen.get(id), r.status, `request ${id} (${r.login}, "${r.justification}")`);
  const states = new Set([...before.requests.values()].map((r) => r.status));
  for (const s of ['Active', 'PendingApproval', 'Closed', 'Expired', 'Rejected']) assert.ok(states.has(s), `the fixture has a ${s} request`);

  // The audit chain written by the old code still verifies under the new.
  const chain = await store.read((tx) => tx.audit.verifyChain());
  assert.equal(chain.brokenAtSeq, null, 'audit chain intact after the upgrade');
  assert.ok(chain.checked >= (before.counts.get('audit') ?? 0) && chain.checked > 0, `audit entries verified: ${chain.checked}`);

  // The current code works on it: sign-in and the MIM API, a new request, a close, an expiry.
  const session = await mim(t, 'jen', 'GET', 'sessioninfo');
  assert.match(session.value[0].Username, /\\jen$/);
  const roles = (await mim(t, 'jen', 'GET', 'pamroles')).value as { RoleId: string; DisplayName: string }[];
  assert.ok(roles.some((r) => r.DisplayName === 'Allow AD Access'));

  const jenActive = [...before.requests].find(([, r]) => r.login === 'jen' && r.status === 'Active')![0];
  await mim(t, 'jen', 'POST', `pamrequests(guid'${jenActive}')/Close`);
  await t.tick();
  assert.equal((await statusesOf(t, 'jen')).get(jenActive), 'Closed', 'an old elevation closed by the new code');

  const shortRole = (await mim(t, 'bob', 'GET', 'pamroles')).value.find((r: { DisplayName: string }) => r.DisplayName === 'Short Role').RoleId;
  const created = await mim(t, 'bob', 'POST', 'pamrequests', { RoleId: shortRole, RequestedTTL: '60', Justification: 'made after the upgrade' });
  await t.tick();
  assert.equal((await statusesOf(t, 'bob')).get(created.RequestId), 'Active', 'a new request granted on the upgraded store');
  t.clock.advance(61_000);
  await t.tick();
  assert.equal((await statusesOf(t, 'bob')).get(created.RequestId), 'Expired', 'and expired by the new scheduler');

  // A TOTP secret the old code enrolled (sealed with the fixture's key, where it had one) still
  // answers the MFA challenge of an MFA role.
  if ((before.counts.get('mfa_totp') ?? 0) > 0) {
    const mfaRole = roles.find((r) => r.DisplayName === 'MFA Role')!.RoleId;
    const pending = await mim(t, 'jen', 'POST', 'pamrequests', { RoleId: mfaRole, RequestedTTL: '600', Justification: 'MFA after the upgrade' });
    assert.equal(pending.RequestStatus, 'PendingMFA');
    const code = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), period: 30, digits: 6, algorithm: 'SHA1' }).generate({ timestamp: t.clock.now() });
    await mim(t, 'jen', 'POST', `pamrequests(guid'${pending.RequestId}')/VerifyMFA`, { Code: code });
    await t.tick();
    assert.equal((await statusesOf(t, 'jen')).get(pending.RequestId), 'Active', 'the old enrolment passes the MFA challenge');
  }

  const after = await store.read((tx) => tx.audit.verifyChain());
  assert.equal(after.brokenAtSeq, null, 'the chain the new code extended verifies');
  assert.ok(after.checked > chain.checked, 'the new code audits its changes on the old chain');
}

/** A fake clock just after the fixture was made, so nothing falls due merely because it is old. */
const clockAfter = (before: Before) => new FakeClock(before.lastAuditAt + 1000);

describe('upgrading the embedded store from every earlier schema version', () => {
  test('the fixtures are there, from the first schema version on', () => {
    assert.ok(fixtures.length >= 2, `fixtures found: ${fixtures.join(', ')}`);
    assert.ok(fixtures.includes('0001-initial'));
  });

  for (const name of fixtures) {
    test(`${name}: opened by the current code, nothing is lost and everything works`, async () => {
      const before = readBefore(join(FIXTURES, `${name}.db`));
      assert.ok(before.migrations.every((m) => m in migrations), `${name} ran migrations this code does not know: ${before.migrations.join(', ')}`);
      const dataDir = tempDir('elevate-upgrade-');
      copyFileSync(join(FIXTURES, `${name}.db`), join(dataDir, 'elevate.db'));
      const key = mfaKeyFile(name);
      if (key) copyFileSync(key, join(dataDir, 'mfa.key'));
      const t = await makeApp({ dataDir, demo: false, store: 'sqlite', clock: clockAfter(before) });
      try {
        const db = new Database(join(dataDir, 'elevate.db'), { readonly: true });
        try {
          const ran = (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((m) => m.name).sort();
          assert.deepEqual(ran, Object.keys(migrations).sort(), 'every current migration ran');
          // 0018 rebuilt the memberships as a WITHOUT ROWID table (their count is checked below).
          assert.equal((db.prepare("select wr from pragma_table_list where name = 'group_members'").get() as { wr: number }).wr, 1);
          await checkUpgraded(t, before, async (table) => {
            const exists = db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(table);
            return exists ? (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n : undefined;
          });
        } finally {
          db.close();
        }
      } finally {
        await t.destroy();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});

/**
 * PostgreSQL never had stores made by old code here (it came with 0006), so each fixture's content
 * is carried over: an empty database is brought to the fixture's own set of migrations by the
 * migrations themselves, the fixture's rows are copied in, and then the current code migrates it.
 */
async function postgresAtVersion(names: readonly string[], file: string): Promise<string> {
  const url = await emptyDatabase();
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  try {
    const subset: Record<string, Migration> = Object.fromEntries(names.map((n) => [n, migrations[n]!]));
    const r = await new Migrator({ db, provider: { getMigrations: async () => subset }, allowUnorderedMigrations: true }).migrateToLatest();
    if (r.error) throw r.error;
  } finally {
    await db.destroy();
  }
  await copyRows(file, url);
  return url;
}

/** Copies every row of the SQLite file into the same tables, converting what the dialects store differently. */
async function copyRows(file: string, url: string): Promise<void> {
  const src = new Database(file, { readonly: true });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const cols = await c.query<{ table_name: string; column_name: string; data_type: string; is_identity: string; column_default: string | null }>(
      "select table_name, column_name, data_type, is_identity, column_default from information_schema.columns where table_schema = 'public'",
    );
    const typeOf = new Map(cols.rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    await c.query('begin');
    // Rows arrive in table order, not foreign-key order; the constraints are checked as a whole at the end state.
    await c.query('set local session_replication_role = replica');
    const tables = src.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'").all() as { name: string }[];
    for (const { name } of tables) {
      const rows = src.prepare(`select * from "${name}"`).all() as Record<string, unknown>[];
      if (!cols.rows.some((r) => r.table_name === name)) throw new Error(`table ${name} of the fixture is not in PostgreSQL at the same version`);
      for (const row of rows) {
        const keys = Object.keys(row);
        const values = keys.map((k) => {
          const col = typeOf.get(`${name}.${k}`);
          if (!col) throw new Error(`column ${name}.${k} of the fixture is not in PostgreSQL at the same version`);
          const v = row[k];
          if (col.data_type === 'boolean' && typeof v === 'number') return v === 1;
          if (col.data_type.startsWith('timestamp') && typeof v === 'number') return new Date(v);
          return v;
        });
        const identity = keys.some((k) => typeOf.get(`${name}.${k}`)!.is_identity === 'YES') ? ' overriding system value' : '';
        await c.query(
          `insert into "${name}" (${keys.map((k) => `"${k}"`).join(', ')})${identity} values (${keys.map((_, i) => `$${i + 1}`).join(', ')})`,
          values,
        );
      }
      // Serial and identity columns continue after the copied rows.
      for (const col of cols.rows.filter((r) => r.table_name === name && (r.is_identity === 'YES' || r.column_default?.startsWith('nextval(')))) {
        if (rows.length > 0) await c.query(`select setval(pg_get_serial_sequence($1, $2), (select max("${col.column_name}") from "${name}"))`, [name, col.column_name]);
      }
    }
    await c.query('commit');
  } catch (e) {
    await c.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    await c.end();
    src.close();
  }
}

describe('upgrading a PostgreSQL store from every earlier schema version', () => {
  for (const name of fixtures) {
    test(`${name}: the fixture's rows at its version, migrated by the current code, lose nothing and work`, async () => {
      const file = join(FIXTURES, `${name}.db`);
      const before = readBefore(file);
      const url = await postgresAtVersion(before.migrations, file);
      const dataDir = tempDir('elevate-upgrade-pg-');
      const key = mfaKeyFile(name);
      const t = await makeApp({
        dataDir,
        demo: false,
        store: 'postgres',
        clock: clockAfter(before),
        config: { database: url, ...(key ? { mfaKeyFile: key } : { mfaKey: Buffer.alloc(32, 7).toString('base64') }) },
      });
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const ran = (await c.query<{ name: string }>('select name from kysely_migration')).rows.map((m) => m.name).sort();
        assert.deepEqual(ran, Object.keys(migrations).sort(), 'every current migration ran');
        await checkUpgraded(t, before, async (table) => {
          const exists = await c.query("select 1 from information_schema.tables where table_schema = 'public' and table_name = $1", [table]);
          return exists.rowCount ? Number((await c.query(`select count(*) as n from "${table}"`)).rows[0].n) : undefined;
        });
      } finally {
        await c.end();
        await t.close();
        rmSync(dataDir, { recursive: true, force: true });
        await dropDatabase(url);
      }
    });
  }
});
