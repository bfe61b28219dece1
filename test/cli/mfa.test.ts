import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Secret, TOTP } from 'otpauth';
import { upsertRole } from '../../src/app/admin/roles.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { CLI, cliJson, runCli, tempDir } from './run-cli.js';

/** A code for the step `stepsAhead` after now: the server accepts one step of drift, and a later step is never a replay. */
const codeFor = (secret: string, stepsAhead = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });

async function demoServer(t: TestContext) {
  const dataDir = tempDir(t);
  const server = await startServer(loadConfig({ env: {}, overrides: { dataDir, port: 0, demo: true, logLevel: 'silent' } }));
  t.after(() => server.close());
  return { server, dataDir, as: (login: string) => ({ env: { ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login } }) };
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), typing `input`, as a person would: the
 * prompts only appear when standard input is a terminal.
 */
function runOnTerminal(args: readonly string[], env: Record<string, string>, input: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    // Bounded: a prompt that never shows must fail the test, not hang it.
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      // Type the answer once the prompt is on screen (readline adds cursor moves after it).
      if (/code[^\n]*: $/i.test(output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')) && input !== '') {
        child.stdin.write(input);
        input = '';
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('elevate mfa: show, enrol with an enrolment code and a terminal QR code, confirm, replace with a current code', async (t) => {
  const { as, dataDir } = await demoServer(t);
  const jen = await cliJson(['mfa', 'show'], as('jen'));
  assert.equal(jen.totp.confirmed, true);
  assert.deepEqual(jen.passkeys, []);

  // ann has no factor: her password alone enrols nothing.
  const refused = await runCli(['mfa', 'totp'], as('ann'));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /enrolment code[\s\S]*Pass --enrolment-code/);
  // The operator issues her a one-time code (shown once) on the server.
  const issued = await cliJson(['user', 'mfa-enrolment-code', 'ann', '--data', dataDir]);
  assert.match(issued.code, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  const human = await runCli(['mfa', 'totp', '--enrolment-code', issued.code], as('ann'));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /▄/, 'a QR code drawn with block characters');
  assert.match(human.stdout, /elevate mfa confirm/);
  // Restarting an unconfirmed enrolment is allowed while the code is unspent; the latest secret counts.
  const enrolled = await cliJson(['mfa', 'totp', '--enrolment-code', issued.code], as('ann'));
  assert.match(enrolled.uri, /^otpauth:\/\/totp\/Elevate:ann\?/);
  const wrong = await runCli(['mfa', 'confirm', '--otp', '000000'], as('ann'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /not valid/);
  const noTty = await runCli(['mfa', 'confirm'], as('ann'));
  assert.equal(noTty.code, 1);
  assert.match(noTty.stderr, /pass --otp/);
  assert.deepEqual(await cliJson(['mfa', 'confirm', '--otp', codeFor(enrolled.secret)], as('ann')), { confirmed: true });
  assert.equal((await cliJson(['mfa', 'show'], as('ann'))).totp.confirmed, true);
  // Spent: the code enrols nothing more.
  assert.equal((await runCli(['mfa', 'totp', '--enrolment-code', issued.code], as('ann'))).code, 1);

  // jen replaces her authenticator by proving the one she has.
  const noProof = await runCli(['mfa', 'totp'], as('jen'));
  assert.equal(noProof.code, 1);
  assert.match(noProof.stderr, /Pass --otp/);
  const replaced = await cliJson(['mfa', 'totp', '--otp', codeFor(DEMO_TOTP_SECRET)], as('jen'));
  assert.deepEqual(await cliJson(['mfa', 'confirm', '--otp', codeFor(replaced.secret)], as('jen')), { confirmed: true });
  const gone = await runCli(['mfa', 'remove-passkey', 'AAAA', '--otp', codeFor(replaced.secret, 1)], as('jen'));
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no passkey with id AAAA/);
});

test('elevate user: an MFA lockout shows in list and show, and mfa-unlock lifts it', async (t) => {
  const { server, dataDir } = await demoServer(t);
  const now = Date.now();
  await server.core.store.transaction(async (tx) => {
    const jen = (await tx.accounts.byLogin('jen'))!;
    await tx.mfa.saveAttempts({ accountId: jen.id, failures: 10, lastFailureAt: now, lockedAt: now });
  });
  await server.close();
  const d = ['--data', dataDir];
  const list = await runCli(['user', 'list', ...d]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /MFA/);
  assert.match(list.stdout, /^jen .*LOCKED$/m);
  assert.match(list.stdout, /^ann .* ok$/m);
  assert.match((await runCli(['user', 'show', 'jen', ...d])).stdout, /LOCKED since .* after 10 failures \(elevate user mfa-unlock jen\)/);
  assert.deepEqual(await cliJson(['user', 'mfa-unlock', 'jen', ...d]), { unlocked: { user: 'jen' } });
  assert.deepEqual((await cliJson(['user', 'show', 'jen', ...d])).mfaLockout, { locked: false, failures: 0, lockedAt: null, waitUntil: null });
  const reset = await cliJson(['user', 'mfa-reset', 'jen', '--enrolment-code', ...d]);
  assert.match(reset.enrolmentCode.code, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
});

test('request asks for the MFA code on a terminal; approve takes --otp for approver step-up', async (t) => {
  const { server, as, dataDir } = await demoServer(t);
  const onTty = await runOnTerminal(['request', 'MFA Role', '--ttl', '10m', '--json'], as('jen').env, `${codeFor(DEMO_TOTP_SECRET)}\r`);
  assert.equal(onTty.code, 0, onTty.output);
  assert.match(onTty.output, /MFA code for MFA Role: /);
  assert.match(onTty.output, /"RequestStatus": "Active"/);

  // Without a terminal and without --otp the request waits, and says how to go on.
  const waiting = await runCli(['request', 'MFA Role', '--ttl', '10m'], as('jen'));
  assert.match(waiting.stdout, /PendingMFA[\s\S]*verify-mfa/);

  await upsertRole(
    server.core.deps,
    LOCAL_OPERATOR,
    { name: 'Vault', ttlSeconds: 3600, approvalRequired: true, approverMfaRequired: true, approvers: ['ann'], candidates: ['jen'], groups: ['Approved Operators'] },
    'create',
  );
  const code = await cliJson(['user', 'mfa-enrolment-code', 'ann', '--data', dataDir]);
  const ann = await cliJson(['mfa', 'totp', '--enrolment-code', code.code], as('ann'));
  await cliJson(['mfa', 'confirm', '--otp', codeFor(ann.secret)], as('ann'));
  const pending = await cliJson(['request', 'Vault', '--ttl', '10m'], as('jen'));
  assert.equal(pending.RequestStatus, 'PendingApproval');
  const refused = await runCli(['approve', pending.RequestId], as('ann'));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /passes MFA[\s\S]*Pass --otp/);
  const approved = await cliJson(['approve', pending.RequestId, '--otp', codeFor(ann.secret, 1)], as('ann'));
  assert.ok(approved.approved);
});
