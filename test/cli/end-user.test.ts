import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyDeclaration } from '../../src/app/admin/apply.js';
import { upsertRole } from '../../src/app/admin/roles.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { loadConfig } from '../../src/config/load.js';
import { type RunningServer, startServer } from '../../src/main.js';
import { CLI, type CliResult, cliJson, runCli, tempDir } from './run-cli.js';

/** A real demo server in this process (users jen/jen, ann/ann, admin/admin), closed with the test. */
async function demoServer(t: TestContext): Promise<{ server: RunningServer; dataDir: string; as: (login: string) => Record<string, string> }> {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  return { server, dataDir, as: (login) => ({ ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login }) };
}

/** The scheduler finishes some transitions (grants, revokes) just after the API answers. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) assert.fail(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const failed = (r: CliResult, code: number, message: RegExp) => {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
};

test('whoami, roles, request by name or id, requests, close', async (t) => {
  const { server, dataDir, as } = await demoServer(t);
  const jen = { env: as('jen') };

  assert.deepEqual(await cliJson(['whoami'], jen), { Username: 'PRIV\\jen' });
  assert.equal((await runCli(['whoami'], jen)).stdout, 'PRIV\\jen\n');

  const roles = await cliJson(['roles'], jen);
  assert.deepEqual(roles.map((r: { DisplayName: string }) => r.DisplayName).sort(), ['Allow AD Access', 'ApprovalRole', 'Business Hours', 'MFA Role']);
  const table = (await runCli(['roles'], jen)).stdout;
  assert.match(table, /^ROLE\s+MAX TTL\s+MFA\s+APPROVAL\s+WINDOW\s+ACTIVE UNTIL\s+DESCRIPTION$/m);
  assert.match(table, /^Business Hours\s+1h\s+no\s+no\s+08:00-18:00\s+-/m);

  // A name with a quote must be escaped in $filter ('' inside the literal), or it breaks the query.
  await upsertRole(server.core.deps, LOCAL_OPERATOR, { name: "Jen's O'Clock Role", ttlSeconds: 3600, groups: ['CORP Domain Admins'], candidates: ['jen'] }, 'create');
  const created = await cliJson(['request', "Jen's O'Clock Role", '--ttl', '30m', '--justification', 'patch the DC'], jen);
  assert.equal(created.RequestStatus, 'Active');
  assert.equal(created.RequestedTTL, '1800');
  assert.equal(created.Justification, 'patch the DC');

  const quoted = roles.find((r: { DisplayName: string }) => r.DisplayName === 'Allow AD Access');
  const byId = await cliJson(['request', quoted.RoleId, '--ttl', '600'], jen);
  assert.equal(byId.RoleId, quoted.RoleId);
  assert.equal(byId.RequestedTTL, '600');

  const rolesNow = await cliJson(['roles'], jen);
  assert.ok(rolesNow.find((r: { RoleId: string }) => r.RoleId === quoted.RoleId).ActiveUntil, 'roles shows until when a role is active');

  // What the directory holds now, beside what the grants expect: both say jen.
  const members = await cliJson(['group', 'members', 'CORP Domain Admins', '--data', dataDir]);
  assert.deepEqual(members.members.map((m: { login: string; member: boolean; expected: boolean }) => [m.login, m.member, m.expected]), [['jen', true, true]]);
  const membersTable = (await runCli(['group', 'members', 'CORP Domain Admins', '--data', dataDir])).stdout.split('\n');
  // First what kind of group it is (granted by roles: members only through elevations), then the table.
  assert.match(membersTable[0]!, /^group CORP Domain Admins is granted by Allow AD Access, .*: members only through elevations$/);
  assert.match(membersTable[1]!, /^LOGIN\s+DISPLAY NAME\s+MEMBER NOW\s+EXPECTED BY ACTIVE GRANTS$/);
  assert.match(membersTable[2]!, /^jen\s+Jen\s+yes\s+yes$/);

  const active = await cliJson(['requests', '--status', 'active', '--since', '2000-01-01T00:00:00Z'], jen);
  assert.deepEqual(active.map((r: { RequestId: string }) => r.RequestId).sort(), [created.RequestId, byId.RequestId].sort());
  assert.deepEqual(await cliJson(['requests', '--since', '2999-01-01T00:00:00Z'], jen), []);
  assert.match((await runCli(['requests'], jen)).stdout, new RegExp(`^${created.RequestId}\\s+Jen's O'Clock Role\\s+Active\\s`, 'm'));

  assert.deepEqual(await cliJson(['close', created.RequestId], jen), { closed: created.RequestId });
  await eventually(
    async () => (await cliJson(['requests'], jen)).find((r: { RequestId: string }) => r.RequestId === created.RequestId).RequestStatus,
    (s) => s === 'Closed',
    'closed request',
  );
  failed(await runCli(['close', created.RequestId], jen), 1, /^elevate: .+\(HTTP 409/);

  // --ttl 0 deactivates: the answer is the deactivation, a request of its own with its justification.
  const deactivated = await runCli(['request', quoted.RoleId, '--ttl', '0', '--justification', 'done'], jen);
  assert.equal(deactivated.code, 0, deactivated.stderr);
  assert.match(deactivated.stdout, /^status:\s+Closed$/m);
  assert.match(deactivated.stdout, /^requested ttl:\s+deactivate$/m);
  assert.match(deactivated.stdout, /^justification:\s+done$/m);
  assert.match(deactivated.stdout, /your elevation of Allow AD Access has ended/);
  const history = await cliJson(['requests'], jen);
  const deactivation = history.find((r: { RequestedTTL: string }) => r.RequestedTTL === '0');
  assert.ok(deactivation && deactivation.RequestId !== byId.RequestId, JSON.stringify(history));
  assert.equal(deactivation.Justification, 'done');
  assert.equal(history.find((r: { RequestId: string }) => r.RequestId === byId.RequestId).RequestStatus, 'Closed');
  assert.match((await runCli(['requests'], jen)).stdout, new RegExp(`^${deactivation.RequestId}\\s+Allow AD Access\\s+Closed\\s.*\\sdeactivate\\s+done\\s+you deactivated it$`, 'm'));
});

test('approvals: reject by approval id, approve by request id', async (t) => {
  const { as } = await demoServer(t);
  const jen = { env: as('jen') };
  const ann = { env: as('ann') };

  const first = await cliJson(['request', 'ApprovalRole', '--ttl', '1h', '--justification', 'quarterly audit'], jen);
  assert.equal(first.RequestStatus, 'PendingApproval');

  const pending = await cliJson(['approvals'], ann);
  const mine = pending.find((a: { FIMRequestID: { Value: string } }) => a.FIMRequestID.Value === first.RequestId);
  assert.equal(mine.Requestor, 'PRIV.jen');
  assert.equal(mine.Justification, 'quarterly audit');
  assert.match((await runCli(['approvals'], ann)).stdout, /^APPROVAL ID\s+REQUESTOR\s+ROLE\s+TTL\s+REQUESTED TIME\s+CREATED\s+JUSTIFICATION\n[0-9a-f-]{36}\s+PRIV\.jen\s+ApprovalRole\s+1h\s/);
  assert.deepEqual(await cliJson(['approvals'], jen), [], 'jen approves nothing');

  assert.deepEqual(await cliJson(['reject', mine.ApprovalObjectID.Value], ann), { rejected: mine.ApprovalObjectID.Value });
  const statusOf = async (id: string) => (await cliJson(['requests'], jen)).find((r: { RequestId: string }) => r.RequestId === id).RequestStatus;
  await eventually(() => statusOf(first.RequestId), (s) => s === 'Rejected', 'rejected request');

  const again = await cliJson(['request', 'ApprovalRole', '--ttl', '30m'], jen);
  assert.equal(again.RequestStatus, 'PendingApproval');
  const approved = await runCli(['approve', again.RequestId], ann);
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(approved.stdout, "approved PRIV.jen's request for ApprovalRole\n");
  await eventually(() => statusOf(again.RequestId), (s) => s === 'Active', 'approved request');

  // Distinct refusals: deciding twice, and deciding one's own request (by approval id or request id).
  const twice = await runCli(['approve', mine.ApprovalObjectID.Value, '--json'], ann);
  failed(twice, 1, /^elevate: This approval is already Rejected\. \(HTTP 409/m);
  assert.equal(JSON.parse(twice.stdout).error.code, 'Conflict');
  const third = await cliJson(['request', 'approvalrole', '--ttl', '10m'], jen);
  const approvalId = (await cliJson(['approvals'], ann))[0].ApprovalObjectID.Value;
  failed(await runCli(['approve', approvalId], jen), 1, /^elevate: You cannot approve or reject your own request/);
  failed(await runCli(['approve', third.RequestId], jen), 1, /^elevate: you cannot approve or reject your own request/);
});

test('end-user failures: server messages, exit 1; misuse, exit 2', async (t) => {
  const { server, as } = await demoServer(t);
  const jen = { env: as('jen') };

  failed(await runCli(['whoami'], { env: { ...as('jen'), ELEVATE_PASSWORD: 'wrong' } }), 1, /^elevate: .+\(HTTP 401/);
  failed(await runCli(['request', 'Allow AD Access', '--ttl', '3h'], jen), 1, /^elevate: --ttl 3h is too long: at most 1h for this role$/m);
  failed(await runCli(['request', 'Alow AD Access'], jen), 1, /^elevate: no role 'Alow AD Access' that you may request \(see: elevate roles\); did you mean 'Allow AD Access'\?$/m);
  failed(await runCli(['request', 'No Such Role', '--ttl', '1h'], jen), 1, /^elevate: no role 'No Such Role' that you may request/);
  failed(await runCli(['roles'], { env: { ...as('jen'), ELEVATE_SERVER: 'http://127.0.0.1:1' } }), 1, /^elevate: cannot reach the server/);

  // No --ttl: the role's longest; a name in other case is the same role.
  const defaulted = await cliJson(['request', 'allow ad access'], jen);
  assert.equal(defaulted.RequestedTTL, '3600');
  failed(await runCli(['request', 'Allow AD Access', '--ttl', 'a while'], jen), 2, /30m, 2h/);
  failed(await runCli(['close', 'not-a-guid'], jen), 2, /is not a request id/);
  failed(await runCli(['requests', '--status', 'Bogus'], jen), 2, /expected one of .*\bProcessing\b/);
  failed(await runCli(['whoami', '--password', 'jen'], jen), 2, /unknown option '--password'/);
  // No password and no terminal to ask on: say how to give one rather than hang.
  failed(await runCli(['whoami', '--server', server.url, '--user', 'jen']), 2, /ELEVATE_PASSWORD/);
  failed(await runCli(['whoami', '--server', 'not a url', '--user', 'jen'], { env: { ELEVATE_PASSWORD: 'jen' } }), 2, /--server must be a URL/);

  const flags = await runCli(['whoami', '--server', server.url, '--user', 'ann'], { env: { ELEVATE_PASSWORD: 'ann' } });
  assert.equal(flags.stdout, 'PRIV\\ann\n', '--server and --user work without the environment');
});

test('serve --demo prints a banner and the URL, and exits 0 on SIGTERM', async (t) => {
  const dataDir = tempDir(t);
  const child = spawn(process.execPath, [CLI, 'serve', '--demo', '--port', '0', '--data', dataDir, '--json'], {
    env: { ...process.env, ELEVATE_LOG_LEVEL: 'silent' },
  });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const started = JSON.parse(line) as { url: string; api: string; demo: boolean };
  assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'demo binds loopback');
  assert.equal(started.api, `${started.url}/api/pamresources/`);
  assert.match(stderr, /DEMO MODE: demo users jen\/jen, ann\/ann, admin\/admin — not for production/);

  assert.equal((await runCli(['whoami'], { env: { ELEVATE_SERVER: started.url, ELEVATE_USER: 'admin', ELEVATE_PASSWORD: 'admin' } })).stdout, 'PRIV\\admin\n');

  const code = await new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0);
});

test('MFA from the command line: request --otp, verify-mfa, and an administrator provisioning an authenticator', async (t) => {
  const { Secret, TOTP } = await import('otpauth');
  const { DEMO_TOTP_SECRET } = await import('../../src/app/demo.js');
  const codeFor = (secret: string, at = Date.now()) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at });
  const { server, dataDir, as } = await demoServer(t);
  const jen = { env: as('jen') };

  const passed = await cliJson(['request', 'MFA Role', '--ttl', '10m', '--otp', codeFor(DEMO_TOTP_SECRET)], jen);
  assert.equal(passed.RequestStatus, 'Active');
  await runCli(['close', passed.RequestId], jen);

  const waiting = await cliJson(['request', 'MFA Role', '--ttl', '10m'], jen);
  assert.equal(waiting.RequestStatus, 'PendingMFA');
  failed(await runCli(['verify-mfa', waiting.RequestId, '--otp', '000000'], jen), 1, /not valid\. 4 attempt/);

  // The operator replaces jen's authenticator; the old secret stops working, the new one passes.
  await server.close();
  const enrolled = await cliJson(['user', 'totp', 'jen', '--data', dataDir]);
  assert.match(enrolled.uri, /^otpauth:\/\/totp\//);
  const again = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, logLevel: 'silent' } }));
  t.after(() => again.close());
  const env = { env: { ELEVATE_SERVER: again.url, ELEVATE_USER: 'jen', ELEVATE_PASSWORD: 'jen' } };
  const ok = await cliJson(['verify-mfa', waiting.RequestId, '--otp', codeFor(enrolled.secret)], env);
  assert.equal(ok.RequestStatus, 'Active');
});

test('roles shows each role\'s approval path (--json and plain), and a server without the route still works', async (t) => {
  const { server, as } = await demoServer(t);
  const jen = { env: as('jen') };
  const deps = server.core.deps;
  await applyDeclaration(deps, server.core.hasher, LOCAL_OPERATOR, {
    users: ['bob', 'carol', 'dave'].map((login) => ({ login, displayName: login.toUpperCase(), email: null, password: login })),
    groups: [{ name: 'Prod DB Access' }, { name: 'DBA Leads' }],
  });
  await upsertRole(
    deps,
    LOCAL_OPERATOR,
    {
      name: 'Prod DB',
      ttlSeconds: 3600,
      groups: ['Prod DB Access'],
      candidates: ['jen'],
      justificationRequired: true,
      justificationMinLength: 10,
      ticketPattern: '^CHG[0-9]{6}$',
      approval: { stages: [{ approvers: ['carol', 'bob'], approverGroups: ['DBA Leads'], required: 2 }, { approvers: ['dave'], required: 1 }], approverMfaRequired: true },
    },
    'create',
  );

  const roles = await cliJson(['roles'], jen);
  const prod = roles.find((r: { DisplayName: string }) => r.DisplayName === 'Prod DB');
  assert.deepEqual(prod.approvalPath, {
    roleId: prod.RoleId,
    roleName: 'Prod DB',
    approvalRequired: true,
    approverMfaRequired: true,
    justificationRequired: true,
    justificationMinLength: 10,
    ticketPattern: '^CHG[0-9]{6}$',
    breakGlass: null,
    stages: [
      { stage: 1, required: 2, approvers: [{ login: 'bob', displayName: 'BOB' }, { login: 'carol', displayName: 'CAROL' }], approverGroups: ['DBA Leads'] },
      { stage: 2, required: 1, approvers: [{ login: 'dave', displayName: 'DAVE' }], approverGroups: [] },
    ],
    autoApprove: [],
    autoApproveForecast: null,
  });
  assert.equal(roles.find((r: { DisplayName: string }) => r.DisplayName === 'Allow AD Access').approvalPath, null, 'no approval: null');
  assert.equal(roles.find((r: { DisplayName: string }) => r.DisplayName === 'ApprovalRole').approvalPath.stages.length, 1, 'the shorthand is one stage');

  const plain = (await runCli(['roles'], jen)).stdout;
  assert.match(plain, /^Prod DB: approval: 2 of bob, carol, DBA Leads \(group\) -> 1 of dave; approvers use MFA; justification required \(at least 10 characters\); ticket matching \^CHG\[0-9\]\{6\}\$$/m);
  assert.match(plain, /^ApprovalRole: approval: 1 of \S+/m);
  assert.doesNotMatch(plain, /^(Allow AD Access|Business Hours|MFA Role): approval/m, 'a line only for roles that need approval');

  // A server without the extension (another MIM server, an older Elevate): 404 on the route.
  const wireRoles = roles.map(({ ActiveUntil: _a, approvalPath: _p, ...r }: Record<string, unknown>) => r);
  const seen: string[] = [];
  const old = createServer((req, res) => {
    seen.push(req.url!);
    res.setHeader('content-type', 'application/json');
    if (req.url!.startsWith('/api/pamresources/pamroles')) return res.end(JSON.stringify({ value: wireRoles }));
    if (req.url!.startsWith('/api/pamresources/pamrequests')) return res.end(JSON.stringify({ value: [] }));
    res.statusCode = 404;
    res.end(JSON.stringify({ 'odata.error': { code: 'NotFound', message: { value: 'Not found.' } } }));
  });
  await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
  t.after(() => old.close());
  const oldEnv = { env: { ...as('jen'), ELEVATE_SERVER: `http://127.0.0.1:${(old.address() as AddressInfo).port}` } };
  const fromOld = await cliJson(['roles'], oldEnv);
  assert.equal(fromOld.length, roles.length);
  assert.ok(fromOld.every((r: { approvalPath: unknown }) => r.approvalPath === null));
  assert.ok(seen.some((u) => u.endsWith('/approval-path')), 'the route was asked for');
  const oldPlain = await runCli(['roles'], oldEnv);
  assert.equal(oldPlain.code, 0, oldPlain.stderr);
  assert.doesNotMatch(oldPlain.stdout, /approval:/);
});
