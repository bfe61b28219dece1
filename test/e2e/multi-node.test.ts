import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { runCli } from '../cli/run-cli.js';
import { TEST_MFA_KEY, tempDir } from '../support/harness.js';
import { type OwnPostgres, startOwnPostgres } from '../support/pg.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { type Slapd, asAdmin, corpDirectoryYaml, startSlapd } from '../support/slapd.js';

/**
 * Three `elevate serve` processes on one PostgreSQL, with the roles' groups in a real slapd that
 * logs every write it accepts. Hundreds of creates, approvals and closes spread over the nodes,
 * races between approvers and between approve and close, a batch of elevations all expiring at
 * once, one node killed with SIGKILL and the database restarted under load. Afterwards every
 * request is in its right final state, the directory saw each grant and revoke exactly once, and
 * the audit trail holds exactly one record per transition.
 */
const USERS = Array.from({ length: 40 }, (_, i) => `u${String(i).padStart(2, '0')}`);
const GROUPS = { direct: 'g-direct', approval: 'g-approval', short: 'g-short' } as const;

let pgs: OwnPostgres;
let slapd: Slapd;
let dir: string;
const nodes: ServerProcess[] = [];

before(async () => {
  pgs = startOwnPostgres();
  slapd = await startSlapd({ auditlog: true });
  dir = tempDir('elevate-nodes-');
  await asAdmin(slapd, async (c) => {
    for (const u of USERS) {
      await c.add(`uid=${u},${slapd.people}`, { objectClass: 'inetOrgPerson', uid: u, cn: u, sn: u });
    }
    let gid = 6000;
    for (const g of Object.values(GROUPS)) await c.add(`cn=${g},${slapd.groups}`, { objectClass: 'posixGroup', cn: g, gidNumber: String(gid++) });
  });
  const config = join(dir, 'elevate.yaml');
  writeFileSync(
    config,
    [
      ...corpDirectoryYaml(slapd),
      'tickMs: 200',
      'outboxLeaseSeconds: 3',
      'databasePoolSize: 8',
      `mfaKey: ${TEST_MFA_KEY}`,
    ].join('\n'),
  );
  const group = (name: string) => ({ name, directory: 'corp', dn: `cn=${name},${slapd.groups}`, memberAttribute: 'memberUid', reconcile: 'off' });
  const declaration = {
    users: [...USERS, 'boss'].map((login) => ({ login, displayName: login, password: login })),
    groups: Object.values(GROUPS).map(group),
    roles: [
      { name: 'Direct', ttlSeconds: 3600, groups: [GROUPS.direct], candidates: USERS },
      { name: 'Approved', ttlSeconds: 3600, approvalRequired: true, approvers: ['boss'], groups: [GROUPS.approval], candidates: USERS },
      { name: 'Short', ttlSeconds: 3600, groups: [GROUPS.short], candidates: USERS },
    ],
  };
  writeFileSync(join(dir, 'access.json'), JSON.stringify(declaration));
  const applied = await runCli(['apply', '-f', join(dir, 'access.json'), '--init', '--database', pgs.url, '--config', config]);
  assert.equal(applied.code, 0, applied.stderr);
  for (let i = 0; i < 3; i++) nodes.push(await startServerProcess(['--database', pgs.url, '--config', config], { ELEVATE_LOG_LEVEL: 'warn' }));
});

after(async () => {
  for (const n of nodes) await n.stop();
  if (process.env.ELEVATE_TEST_SHOW_LOGS) {
    for (const n of nodes) process.stderr.write(n.output());
    if (slapd) process.stderr.write(readFileSync(slapd.auditLogFile, 'utf8'));
  }
  await slapd?.stop();
  pgs?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  readonly status: number;
  readonly body: any;
}

async function call(node: ServerProcess, method: string, path: string, login: string, form?: Record<string, string>): Promise<Reply> {
  const res = await fetch(`${node.url}/api/pamresources/${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}`,
      ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(form && { body: new URLSearchParams(form).toString() }),
  });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

function assertAnswered(r: Reply, allowed: readonly number[], what: string): void {
  assert.ok(allowed.includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  if (r.status >= 400) assert.equal(typeof r.body['odata.error']?.message?.value, 'string', `${what}: error shape`);
}

async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: pgs.url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Successful memberUid writes at the directory, by "group add|delete member". */
function directoryWrites(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of readFileSync(slapd.auditLogFile, 'utf8').split(/^# end \w+.*$/m)) {
    const dn = /^dn: cn=([^,]+),.*\nchangetype: modify$/m.exec(record)?.[1];
    if (!dn) continue;
    for (const m of record.matchAll(/^(add|delete): memberUid\nmemberUid: (\S+)$/gm)) {
      const key = `${dn} ${m[1]} ${m[2]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < end, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('three nodes, one database: every request ends right, each directory change happens once, one audit record per transition', { timeout: 240_000 }, async () => {
  const [n1, n2, n3] = nodes as [ServerProcess, ServerProcess, ServerProcess];
  const roles = (await call(n1, 'GET', 'pamroles', USERS[0]!)).body.value as { RoleId: string; DisplayName: string }[];
  const role = (name: string) => roles.find((r) => r.DisplayName === name)!.RoleId;
  // Every Short elevation starts at the same instant and ends at the same instant.
  // Far enough ahead that every create below is in before it, however loaded the machine.
  const start = new Date(Date.now() + 30_000);
  start.setUTCMilliseconds(0);

  // 1. Creates, spread over all three nodes.
  const ids = new Map<string, { direct: string; approved: string; short: string }>();
  await Promise.all(
    USERS.map(async (u, i) => {
      const node = nodes[i % 3]!;
      const create = async (name: string, extra: Record<string, string> = {}) => {
        const r = await call(node, 'POST', 'pamrequests', u, { RoleId: role(name), RequestedTTL: '3600', ...extra });
        assertAnswered(r, [201], `create ${name} for ${u}`);
        return r.body.RequestId as string;
      };
      const short = await create('Short', { RequestedTTL: '10', RequestedTime: start.toISOString() });
      const [direct, approved] = await Promise.all([create('Direct'), create('Approved')]);
      ids.set(u, { direct, approved, short });
    }),
  );

  assert.ok(Date.now() < start.getTime(), 'the creates took so long that the Short elevations would start late');
  // 2. Node 3 dies with whatever grants it had claimed; the others take them over when its leases lapse.
  await n3.kill9();

  // 3. Races. Even users: two approvals of the same request at once. Odd users: approve racing close.
  const toApprove = (await call(n1, 'GET', 'pamrequeststoapprove', 'boss')).body.value as { ApprovalObjectID: { Value: string }; FIMRequestID: { Value: string } }[];
  assert.equal(toApprove.length, USERS.length);
  const approvalOf = new Map(toApprove.map((a) => [a.FIMRequestID.Value, a.ApprovalObjectID.Value]));
  const closedApproved = new Set<string>();
  await Promise.all(
    USERS.map(async (u, i) => {
      const id = ids.get(u)!.approved;
      const approve = (node: ServerProcess) => call(node, 'POST', `pamrequeststoapprove(guid'${approvalOf.get(id)}')/Approve`, 'boss', {});
      if (i % 2 === 0) {
        const results = await Promise.all([approve(n1), approve(n2)]);
        results.forEach((r) => assertAnswered(r, [200, 409], `approve ${u}`));
        assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], `exactly one approval of ${u}'s request wins`);
        const loser = results.find((r) => r.status === 409)!;
        assert.match(loser.body['odata.error'].message.value, /already Approved|Processing|Active|no longer waits/, 'the loser is told the current state');
      } else {
        const [a, c] = await Promise.all([approve(n1), call(n2, 'POST', `pamrequests(guid'${id}')/Close`, u)]);
        assertAnswered(a, [200, 409], `approve ${u}`);
        assertAnswered(c, [200, 409], `close ${u}`);
        assert.ok(a.status === 200 || c.status === 200, `approve or close of ${u}'s request wins`);
        if (c.status === 200) closedApproved.add(u);
      }
    }),
  );

  // 4. The Short elevations start together, then all fall due in the same second.
  const shortIn = async (status: string) =>
    (await sql(`select count(*)::int as n from requests r join roles ro on ro.id = r.role_id where ro.name = 'Short' and r.status = $1`, [status]))[0].n;
  await until('every Short elevation has started', async () => (await shortIn('Active')) + (await shortIn('Expired')) + (await shortIn('Closing')) === USERS.length, 60_000);
  await until('every Short elevation has expired', async () => (await shortIn('Expired')) === USERS.length, 60_000);

  // 5. Closes of the Direct elevations while the database restarts: 503 while it is down, then served.
  await until('every Direct elevation is Active', async () => (await sql(`select count(*)::int as n from requests r join roles ro on ro.id = r.role_id where ro.name = 'Direct' and r.status = 'Active'`))[0].n === USERS.length, 60_000);
  let unavailable = 0;
  const closing = Promise.all(
    USERS.map(async (u, i) => {
      await new Promise((r) => setTimeout(r, i * 40));
      const node = i % 2 ? n1 : n2;
      for (let attempt = 0; ; attempt++) {
        const r = await call(node, 'POST', `pamrequests(guid'${ids.get(u)!.direct}')/Close`, u);
        assertAnswered(r, [200, 409, 503], `close Direct of ${u}`);
        if (r.status === 200 || r.status === 409) return; // 409: an earlier attempt had committed
        unavailable++;
        assert.ok(attempt < 100, `close of ${u} kept failing`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 500));
  pgs.down();
  await new Promise((r) => setTimeout(r, 2000));
  pgs.up();
  await closing;
  assert.ok(unavailable > 0, 'some closes met the database down and were answered 503');

  // 6. Everything settles: no grant or revoke left in flight, the Short ones expired together.
  await until(
    'every request reached its final state',
    async () => {
      const open = await sql(`select count(*)::int as n from requests r where r.status in ('Scheduled','Processing','Closing') or (r.status = 'Active' and r.role_id <> $1)`, [role('Approved')]);
      const jobs = await sql(`select count(*)::int as n from outbox where done_at is null`);
      return open[0].n === 0 && jobs[0].n === 0;
    },
    90_000,
  );
  const final = new Map((await sql<{ id: string; status: string }>(`select id, status from requests`)).map((r) => [r.id, r.status]));
  const writes = directoryWrites();
  const count = (group: string, op: 'add' | 'delete', u: string) => writes.get(`${group} ${op} ${u}`) ?? 0;
  for (const [i, u] of USERS.entries()) {
    const r = ids.get(u)!;
    assert.equal(final.get(r.direct), 'Closed', `${u} Direct`);
    assert.equal(final.get(r.short), 'Expired', `${u} Short`);
    assert.deepEqual([count(GROUPS.direct, 'add', u), count(GROUPS.direct, 'delete', u)], [1, 1], `${u} ${GROUPS.direct}`);
    assert.deepEqual([count(GROUPS.short, 'add', u), count(GROUPS.short, 'delete', u)], [1, 1], `${u} ${GROUPS.short}`);
    const approvedStatus = final.get(r.approved);
    const granted = count(GROUPS.approval, 'add', u);
    if (i % 2 === 0 || !closedApproved.has(u)) {
      assert.equal(approvedStatus, 'Active', `${u} Approved`);
      assert.deepEqual([granted, count(GROUPS.approval, 'delete', u)], [1, 0], `${u} ${GROUPS.approval}`);
    } else {
      assert.equal(approvedStatus, 'Closed', `${u} Approved`);
      // Closed before or after the approval took effect: granted and revoked once, or neither.
      assert.equal(count(GROUPS.approval, 'delete', u), granted, `${u} ${GROUPS.approval}`);
      assert.ok(granted <= 1);
    }
  }

  // 7. The audit trail: one record per transition, each starting where the one before it ended.
  const audit = await sql<{ request_id: string; before_json: string | null; after_json: string }>(
    `select request_id, before_json, after_json from audit where target_type = 'request' order by seq`,
  );
  const last = new Map<string, string>();
  for (const a of audit) {
    const from = a.before_json === null ? null : (JSON.parse(a.before_json).status as string);
    assert.equal(from, last.get(a.request_id) ?? null, `request ${a.request_id}: a transition from ${from} recorded twice or out of order`);
    last.set(a.request_id, JSON.parse(a.after_json).status);
  }
  for (const [id, status] of final) assert.equal(last.get(id), status, `request ${id}: the audit trail ends in its status`);
  const verify = await runCli(['audit', 'verify', '--database', pgs.url, '--config', join(dir, 'elevate.yaml'), '--json']);
  assert.equal(verify.code, 0, verify.stderr + verify.stdout);
  // The Short elevations all fell due in the same second and each expired once.
  const expiries = await sql(`select count(*)::int as n from audit a join requests r on r.id = a.request_id join roles ro on ro.id = r.role_id where ro.name = 'Short' and a.after_json like '%"Expired"%'`);
  assert.equal(expiries[0].n, USERS.length);
});
