import { type TestContext, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointFile, readCheckpointFile } from '../../src/adapters/audit/checkpoint-file.js';
import { checkpointVerifier, generateSigningKey, loadSigningKey } from '../../src/adapters/crypto/ed25519-checkpoint-keys.js';
import { type CheckpointKit, signCheckpoint } from '../../src/app/audit/sign-checkpoint.js';
import { verifyAuditTrail } from '../../src/app/audit/verify-audit-trail.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import type { Instant } from '../../src/domain/time.js';
import { type TestCore, makeCore, tempDir } from '../support/harness.js';
import { raw } from '../support/raw-sql.js';

function kit(keyFile: string, checkpointFile: string): CheckpointKit {
  const { signer, publicKey } = loadSigningKey(keyFile);
  return { signer, verifier: checkpointVerifier([publicKey]), log: new CheckpointFile(checkpointFile) };
}

async function audited(tc: TestCore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await tc.core.deps.store.transaction((tx) =>
      tx.audit.append({ at: tc.clock.now() as Instant, actorId: null, action: 'group.created', targetType: 'group', targetId: `g${i}`, requestId: null, before: null, after: { name: `g${i}` } }),
    );
  }
}

/** A store (the suite's SQLite or PostgreSQL) and a fresh signing key, both removed with the test. */
async function keyedCore(t: TestContext): Promise<{ tc: TestCore; dir: string; key: string }> {
  const tc = await makeCore({ demo: false });
  const dir = tempDir();
  t.after(async () => {
    await tc.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  const key = join(dir, 'audit.key');
  generateSigningKey(key);
  return { tc, dir, key };
}

test('two nodes sign the same head at once: one stored checkpoint, each file its own copy; nothing new when the head did not move', async (t) => {
  const { tc, dir, key } = await keyedCore(t);
  const a = kit(key, join(dir, 'a.jsonl'));
  const b = kit(key, join(dir, 'b.jsonl'));
  assert.deepEqual(await signCheckpoint(tc.core.deps, a), { kind: 'empty' });
  await audited(tc, 3);
  const [ra, rb] = await Promise.all([signCheckpoint(tc.core.deps, a), signCheckpoint(tc.core.deps, b)]);
  assert.ok([ra.kind, rb.kind].includes('signed'), `${ra.kind} ${rb.kind}`);
  const stored = await tc.core.deps.store.read((tx) => tx.auditCheckpoints.latest());
  assert.equal(stored?.seq, 3);
  assert.equal(await signCheckpoint(tc.core.deps, a).then((r) => r.kind), 'unchanged');
  assert.equal(await signCheckpoint(tc.core.deps, b).then((r) => r.kind), 'unchanged');
  await audited(tc, 2);
  tc.clock.advance(10_000);
  const r = await signCheckpoint(tc.core.deps, b);
  assert.equal(r.kind === 'signed' && r.checkpoint.seq, 5);
  assert.deepEqual(readCheckpointFile(join(dir, 'b.jsonl')).checkpoints.map((c) => c.seq).at(-1), 5);

  const report = await verifyAuditTrail(tc.core.deps, LOCAL_OPERATOR, { verifier: a.verifier, sources: [{ where: 'a', checkpoints: readCheckpointFile(join(dir, 'a.jsonl')).checkpoints }] });
  assert.equal(report.intact, true, report.problems.join('; '));
  assert.equal(report.checkpoint?.seq, 5);
});

test('a cut tail: the node refuses to sign the shorter head, and verify names the cut', async (t) => {
  const { tc, dir, key } = await keyedCore(t);
  const file = join(dir, 'node.jsonl');
  const k = kit(key, file);
  await audited(tc, 4);
  assert.equal((await signCheckpoint(tc.core.deps, k)).kind, 'signed');
  await raw(tc, 'delete from audit where seq = 4; delete from audit_checkpoints;');
  await audited(tc, 1); // the application writes on: seq 4 again, with another hash

  const r = await signCheckpoint(tc.core.deps, kit(key, file)); // a restarted node reads its file again
  assert.equal(r.kind, 'refused');
  assert.match(r.kind === 'refused' ? r.reason : '', /^audit chain rewritten: entry 4/);
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 1, 'nothing signed after the tampering');

  await raw(tc, 'delete from audit where seq = 4;');
  const report = await verifyAuditTrail(tc.core.deps, LOCAL_OPERATOR, { verifier: k.verifier, sources: [{ where: file, checkpoints: readCheckpointFile(file).checkpoints }] });
  assert.equal(report.intact, false);
  assert.equal(report.brokenAtSeq, null);
  assert.match(report.problems[0]!, /^audit trail cut: .* covers entries up to seq 4, but the store ends at seq 3/);
});

test('a forged checkpoint row in the store stops signing: the node never extends what it cannot verify', async (t) => {
  const { tc, dir, key } = await keyedCore(t);
  const k = kit(key, join(dir, 'node.jsonl'));
  await audited(tc, 2);
  assert.equal((await signCheckpoint(tc.core.deps, k)).kind, 'signed');
  await raw(tc, `update audit_checkpoints set signature = '${Buffer.alloc(64).toString('base64')}'`);
  const r = await signCheckpoint(tc.core.deps, kit(key, join(dir, 'fresh.jsonl')));
  assert.equal(r.kind, 'refused');
  assert.match(r.kind === 'refused' ? r.reason : '', /does not carry a valid signature/);
});

test('an append cut short by a crash is dropped before the next one, so the file stays readable', async (t) => {
  const { tc, dir, key } = await keyedCore(t);
  const file = join(dir, 'node.jsonl');
  await audited(tc, 1);
  assert.equal((await signCheckpoint(tc.core.deps, kit(key, file))).kind, 'signed');
  appendFileSync(file, '{"seq":2,"hash":"ab'); // the process died mid-write
  assert.equal(readCheckpointFile(file).tornLastLine, true);
  await audited(tc, 1);
  assert.equal((await signCheckpoint(tc.core.deps, kit(key, file))).kind, 'signed');
  const { checkpoints, tornLastLine } = readCheckpointFile(file);
  assert.deepEqual([checkpoints.map((c) => c.seq), tornLastLine], [[1, 2], false]);
});
