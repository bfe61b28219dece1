import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { CheckpointFile } from '../../../src/adapters/audit/checkpoint-file.js';
import { checkpointVerifier, generateSigningKey, loadSigningKey } from '../../../src/adapters/crypto/ed25519-checkpoint-keys.js';
import { type CheckpointKit, signCheckpoint } from '../../../src/app/audit/sign-checkpoint.js';
import type { Instant } from '../../../src/domain/time.js';
import { type TestCore, makeCore, tempDir } from '../../support/harness.js';

/** A store (the suite's SQLite or PostgreSQL), a signing key and a scratch directory, removed with the test. */
export async function exportCore(t: TestContext): Promise<{ tc: TestCore; dir: string; kit: CheckpointKit; publicKeyFile: string; checkpointFile: string }> {
  const dir = tempDir('elevate-export-');
  const tc = await makeCore({ demo: false });
  t.after(async () => {
    await tc.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  const key = join(dir, 'audit.key');
  const { publicKeyFile } = generateSigningKey(key);
  const { signer, publicKey } = loadSigningKey(key);
  const checkpointFile = join(dir, 'audit-checkpoints.jsonl');
  return { tc, dir, kit: { signer, verifier: checkpointVerifier([publicKey]), log: new CheckpointFile(checkpointFile) }, publicKeyFile, checkpointFile };
}

/** Records `n` audit entries, one transaction each, a second apart. */
export async function audited(tc: TestCore, n: number, tag = 'g'): Promise<void> {
  for (let i = 0; i < n; i++) {
    tc.clock.advance(1000);
    await tc.core.deps.store.transaction((tx) =>
      tx.audit.append({ at: tc.clock.now() as Instant, actorId: null, action: 'group.created', targetType: 'group', targetId: `${tag}${i}`, requestId: null, before: null, after: { name: `${tag}${i}`, note: 'quote " and ] and \\ and é' } }),
    );
  }
}

export async function checkpoint(tc: TestCore, kit: CheckpointKit): Promise<void> {
  const r = await signCheckpoint(tc.core.deps, kit);
  if (r.kind !== 'signed') throw new Error(`checkpoint not signed: ${r.kind}`);
}

export const OPTS = { holder: 'node-a', leaseMs: 30_000, batchSize: 7, sendTimeoutMs: 2000 };
