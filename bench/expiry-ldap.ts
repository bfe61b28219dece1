// `node bench/.build/bench/expiry-ldap.js [--expiries N] [--database URL]`
// Issue 13's mass expiry with the role's group in a directory: N people, each with an elevation whose
// group lives in a throwaway slapd (the tests' one, scripts/slapd-throwaway.sh), all due at one
// instant. Runs the scheduler's due work and then the outbox until slapd has confirmed every
// removal, and prints how long that took and the lateness each path measured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { SQLITE_FILE } from '../src/adapters/store/sqlite/sqlite-store.js';
import { upsertGroup } from '../src/app/admin/groups.js';
import { LOCAL_OPERATOR } from '../src/app/admin/require-admin.js';
import { upsertRole } from '../src/app/admin/roles.js';
import { upsertUser } from '../src/app/admin/users.js';
import { callerOf } from '../src/app/authenticate.js';
import { createRequestUseCase } from '../src/app/create-request.js';
import { runOutbox } from '../src/app/outbox/run-outbox.js';
import { runDueWork } from '../src/app/run-due-work.js';
import { loadConfig } from '../src/config/load.js';
import { openCore } from '../src/main.js';
import { asAdmin, startSlapd, valuesOn } from '../test/support/slapd.js';
import { openForSeeding } from './lib/seed.js';
import { summarize } from './lib/stats.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1]!;
};
const n = Number(arg('expiries', '1000'));
const database = arg('database', '') || undefined;

const slapd = await startSlapd();
const dir = mkdtempSync(join(tmpdir(), 'elevate-expiry-ldap-'));
try {
  const group = `cn=shift,${slapd.groups}`;
  const logins = Array.from({ length: n }, (_, i) => `p${String(i).padStart(6, '0')}`);
  await asAdmin(slapd, async (c) => {
    for (const u of logins) await c.add(`uid=${u},${slapd.people}`, { objectClass: ['inetOrgPerson'], uid: u, cn: u, sn: u });
    await c.add(group, { objectClass: ['groupOfNames'], cn: 'shift', member: [`uid=alice,${slapd.people}`] });
  });
  const directories = { corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, timeoutMs: 5000 } };
  const overrides = { dataDir: dir, logLevel: 'silent', timeZone: 'UTC', directories, ...(database && { database, mfaKey: Buffer.alloc(32, 7).toString('base64') }) };
  let core = await openCore(loadConfig({ env: {}, overrides: overrides as never }));
  let deps = core.deps;
  const outbox = () => runOutbox(deps, { directoryFor: (name) => core.directories.get(name), limit: 1000 });
  for (const login of logins) await upsertUser(deps, core.hasher, LOCAL_OPERATOR, { login }, 'create');
  await upsertGroup(deps, LOCAL_OPERATOR, { name: 'Shift', directory: 'corp', dn: group, memberAttribute: 'member' }, 'create');
  await upsertRole(deps, LOCAL_OPERATOR, { name: 'Shift role', ttlSeconds: 3600, groups: ['Shift'], candidates: logins }, 'create');
  const roleId = (await core.store.read((tx) => tx.roles.byName('Shift role')))!.id;
  for (const login of logins) {
    const caller = await core.store.read(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
    await createRequestUseCase(deps, caller, { roleId, ttlSeconds: 3600, justification: null, requestedAt: null, creationMethod: 'bench' });
  }
  while ((await outbox()).applied > 0);
  const members = async () => (await valuesOn(slapd, group, 'member')).length - 1;
  if ((await members()) !== n) throw new Error(`granted ${await members()} of ${n}`);
  await core.close();
  // All due a moment from now, as a shift's end would make them: written straight into the store.
  const due = Date.now() + 3000;
  if (database) {
    const c = new pg.Client({ connectionString: database });
    await c.connect();
    await c.query(`update requests set expires_at = $1, due_at = $1 where status = 'Active'`, [due]);
    await c.end();
  } else {
    const db = openForSeeding(join(dir, SQLITE_FILE));
    db.prepare(`update requests set expires_at = ?, due_at = ? where status = 'Active'`).run(due, due);
    db.close();
  }
  core = await openCore(loadConfig({ env: {}, overrides: overrides as never }));
  deps = core.deps;
  while (Date.now() < due) await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  const dueReport = await runDueWork(deps);
  const tDue = performance.now() - t0;
  const lateness: number[] = [];
  for (;;) {
    const r = await outbox();
    lateness.push(...r.expiryLatenessMs);
    if (r.applied === 0 && r.failed.length === 0) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const late = summarize(lateness);
  const left = await members();
  process.stdout.write(
    `${database ? 'postgres' : 'sqlite'} + slapd: ${n} expiries, due work ${(tDue / 1000).toFixed(2)} s (processed ${dueReport.processed}), ` +
      `all removed from slapd after ${seconds.toFixed(2)} s (${left} left); lateness p50 ${late.p50.toFixed(0)} / p99 ${late.p99.toFixed(0)} / max ${late.max.toFixed(0)} ms\n`,
  );
  await core.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
  await slapd.stop();
}
