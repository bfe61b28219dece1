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
  return { server, as: (login: string) => ({ env: { ELEVATE_SERVER: server.url, ELEVATE_USER: login, ELEVATE_PASSWORD: login } }) };
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

test('elevate mfa: show, enrol with a terminal QR code, confirm', async (t) => {
  const { as } = await demoServer(t);
  const jen = await cliJson(['mfa', 'show'], as('jen'));
  assert.equal(jen.totp.confirmed, true);
  assert.deepEqual(jen.passkeys, []);

  const human = await runCli(['mfa', 'totp'], as('ann'));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /▄/, 'a QR code drawn with block characters');
  assert.match(human.stdout, /elevate mfa confirm/);
  // Restarting an unconfirmed enrolment is allowed; the latest secret is the one that counts.
  const enrolled = await cliJson(['mfa', 'totp'], as('ann'));
  assert.match(enrolled.uri, /^otpauth:\/\/totp\/Elevate:ann\?/);
  const wrong = await runCli(['mfa', 'confirm', '--otp', '000000'], as('ann'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /not valid/);
  const noTty = await runCli(['mfa', 'confirm'], as('ann'));
  assert.equal(noTty.code, 1);
  assert.match(noTty.stderr, /pass --otp/);
  assert.deepEqual(await cliJson(['mfa', 'confirm', '--otp', codeFor(enrolled.secret)], as('ann')), { confirmed: true });
  assert.equal((await cliJson(['mfa', 'show'], as('ann'))).totp.confirmed, true);
});

test('request asks for the MFA code on a terminal; approve takes --otp for approver step-up', async (t) => {
  const { server, as } = await demoServer(t);
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
  const ann = await cliJson(['mfa', 'totp'], as('ann'));
  await cliJson(['mfa', 'confirm', '--otp', codeFor(ann.secret)], as('ann'));
  const pending = await cliJson(['request', 'Vault', '--ttl', '10m'], as('jen'));
  assert.equal(pending.RequestStatus, 'PendingApproval');
  const refused = await runCli(['approve', pending.RequestId], as('ann'));
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /passes MFA[\s\S]*Pass --otp/);
  const approved = await cliJson(['approve', pending.RequestId, '--otp', codeFor(ann.secret, 1)], as('ann'));
  assert.ok(approved.approved);
});
