import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSink } from '../../../src/adapters/audit-export/file-sink.js';
import { exportAuditPass } from '../../../src/app/audit/export-audit.js';
import type { ExportRecord } from '../../../src/domain/audit/export-record.js';
import { readCheckpointFile } from '../../../src/adapters/audit/checkpoint-file.js';
import { LOCAL_OPERATOR } from '../../../src/app/admin/require-admin.js';
import { verifyAuditTrail } from '../../../src/app/audit/verify-audit-trail.js';
import { makeCore } from '../../support/harness.js';
import { raw } from '../../support/raw-sql.js';
import { runCli } from '../../cli/run-cli.js';
import { OPTS, audited, checkpoint, exportCore } from './support.js';

/** The records in the rotated set, oldest file first. */
function readSet(path: string, keep: number): { files: string[]; records: ExportRecord[] } {
  const files = [...Array.from({ length: keep }, (_, i) => `${path}.${keep - i}`), path].filter((f) => existsSync(f));
  const records = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportRecord));
  return { files, records };
}

const seqs = (rs: readonly ExportRecord[], type: ExportRecord['type']) => rs.filter((r) => r.type === type).map((r) => r.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('the file sink writes every entry once, in order, across rotations, with the checkpoints after the entries they cover, and verify-export passes it', async (t) => {
  const { tc, dir, kit, publicKeyFile, checkpointFile } = await exportCore(t);
  const path = join(dir, 'audit.jsonl');
  const sink = new FileSink({ name: 'archive', path, maxBytes: 4096, keep: 50 });
  await audited(tc, 10);
  await checkpoint(tc, kit);
  const first = await exportAuditPass(tc.core.deps, sink, OPTS);
  assert.deepEqual([first.held, first.entries, first.checkpoints, first.lagRecords, first.error], [true, 10, 1, 0, null]);
  await audited(tc, 25);
  // Signed after the entries went out: it goes out first in the next batch.
  await checkpoint(tc, kit);
  await audited(tc, 5);
  const second = await exportAuditPass(tc.core.deps, sink, OPTS);
  assert.deepEqual([second.entries, second.checkpoints, second.lagRecords], [30, 1, 0]);

  const { files, records } = readSet(path, 50);
  assert.ok(files.length >= 4, `rotated into ${files.length} files`);
  for (const f of files) assert.ok(readFileSync(f).length <= 4096 || f === path, `${f} stays within maxBytes`);
  assert.deepEqual(seqs(records, 'audit'), range(1, 40), 'every entry once, in order, across the files');
  assert.deepEqual(seqs(records, 'checkpoint'), [10, 35]);
  const cpAt = records.findIndex((r) => r.type === 'checkpoint' && r.seq === 35);
  assert.ok(records.slice(0, cpAt).some((r) => r.type === 'audit' && r.seq === 35), 'a checkpoint follows the entry it covers');
  const e = records.find((r) => r.type === 'audit' && r.seq === 2)!;
  assert.equal(e.type === 'audit' && e.prevHash, (records.find((r) => r.type === 'audit' && r.seq === 1) as { hash: string }).hash);

  const ok = await runCli(['audit', 'verify-export', ...files, '--public-key', publicKeyFile, '--checkpoint', checkpointFile]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /audit export intact: 40 entries verified, seq 1 to 40/);
  assert.match(ok.stdout, /checkpoint for seq 35/);
  assert.match(ok.stdout, /newest 5 entries are not yet covered/);
  const strict = await runCli(['audit', 'verify-export', ...files, '--public-key', publicKeyFile, '--anchored']);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /newest 5 entries are not covered by a signed checkpoint/);
});

test('verify-export catches a cut tail, a removed middle record, an edited record and a forged checkpoint', async (t) => {
  const { tc, dir, kit, publicKeyFile, checkpointFile } = await exportCore(t);
  const path = join(dir, 'audit.jsonl');
  await audited(tc, 12);
  await checkpoint(tc, kit);
  await audited(tc, 3);
  await checkpoint(tc, kit);
  await exportAuditPass(tc.core.deps, new FileSink({ name: 'archive', path, maxBytes: 1 << 20, keep: 1 }), { ...OPTS, batchSize: 100 });
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 17);
  const variant = async (name: string, edit: (ls: string[]) => string[], extra: string[] = []) => {
    const f = join(dir, `${name}.jsonl`);
    writeFileSync(f, `${edit([...lines]).join('\n')}\n`);
    return runCli(['audit', 'verify-export', f, '--public-key', publicKeyFile, ...extra]);
  };
  const whole = await variant('whole', (ls) => ls, ['--anchored']);
  assert.equal(whole.code, 0, whole.stderr);

  // The last four entries and the checkpoint after them cut off: the server's checkpoint file shows it.
  const cut = await variant('cut', (ls) => ls.slice(0, 13), ['--checkpoint', checkpointFile]);
  assert.equal(cut.code, 1);
  assert.match(cut.stderr, /audit trail cut: .* covers entries up to seq 15, but the export ends at seq 12/);
  const cutAnchored = await variant('cut2', (ls) => ls.slice(0, 12), ['--anchored']);
  assert.equal(cutAnchored.code, 1, 'without the checkpoint file, --anchored refuses a tail no checkpoint covers');
  assert.match(cutAnchored.stderr, /newest 12 entries are not covered/);

  const removed = await variant('removed', (ls) => ls.filter((_, i) => i !== 5));
  assert.equal(removed.code, 1);
  assert.match(removed.stderr, /removed\.jsonl:6: entry 6 is missing: removed from the export/);

  const edited = await variant('edited', (ls) => ls.map((l, i) => (i === 3 ? l.replace('"targetId":"g3"', '"targetId":"g9"') : l)));
  assert.equal(edited.code, 1);
  assert.match(edited.stderr, /edited\.jsonl:4: entry 4 was edited/);

  // Edited and re-hashed onward: the chain holds, the signed checkpoint does not.
  const rechained = await variant('rechained', (ls) => {
    let prev = '';
    return ls.map((l) => {
      const r = JSON.parse(l);
      if (r.type !== 'audit') return l;
      if (r.seq === 4) r.targetId = 'g9';
      if (r.seq >= 4) {
        r.prevHash = prev;
        r.hash = createHash('sha256').update(JSON.stringify([r.prevHash, r.seq, r.at, r.actorId, r.action, r.targetType, r.targetId, r.requestId, r.before, r.after])).digest('hex');
      }
      prev = r.hash;
      return JSON.stringify(r);
    });
  });
  assert.equal(rechained.code, 1);
  assert.match(rechained.stderr, /audit chain rewritten: entry 12/);

  const forged = await variant('forged', (ls) => ls.map((l) => (l.includes('"type":"checkpoint"') ? l.replace(/"signature":"[^"]+"/, `"signature":"${Buffer.alloc(64).toString('base64')}"`) : l)));
  assert.equal(forged.code, 1);
  assert.match(forged.stderr, /invalid signature/);
});

test('a crash between writing a batch and moving the cursor sends it again: nothing lost, the repeat is identical and verify-export accepts it; a torn line is cut', async (t) => {
  const { tc, dir, kit, publicKeyFile } = await exportCore(t);
  const path = join(dir, 'audit.jsonl');
  await audited(tc, 9);
  await checkpoint(tc, kit);
  // The process dies right after the fsync: the batch is on disk, the cursor never moved.
  class CrashAfterWrite extends FileSink {
    override async send(rs: readonly ExportRecord[]): Promise<void> {
      await super.send(rs);
      throw new Error('killed');
    }
  }
  const crashed = await exportAuditPass(tc.core.deps, new CrashAfterWrite({ name: 'archive', path, maxBytes: 1 << 20, keep: 3 }), OPTS);
  assert.equal(crashed.error, 'killed');
  assert.equal(crashed.lagRecords, 9);
  // ... and a second crash in the middle of an append leaves half a line.
  appendFileSync(path, '{"type":"audit","seq":8,"prevH');
  await tc.close();

  // Restart on the same store: the cursor is where the last accepted batch left it.
  const again = await makeCore({ demo: false, dataDir: tc.dataDir, clock: tc.clock });
  t.after(() => again.close());
  const resumed = await exportAuditPass(again.core.deps, new FileSink({ name: 'archive', path, maxBytes: 1 << 20, keep: 3 }), OPTS);
  assert.deepEqual([resumed.entries, resumed.checkpoints, resumed.lagRecords, resumed.error], [9, 1, 0, null]);
  const records = readSet(path, 3).records;
  assert.deepEqual(seqs(records, 'audit'), [...range(1, 7), ...range(1, 9)], 'the first batch (7) twice, then the rest: never a gap');
  const r = await runCli(['audit', 'verify-export', path, '--public-key', publicKeyFile, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.entries, out.duplicates, out.lastSeq, out.checkpoint.seq], [9, 7, 9, 9]);
});

test('with several nodes, one holds a sink and sends; the other takes over only when the lease lapses or is let go', async (t) => {
  const { tc, dir } = await exportCore(t);
  await audited(tc, 3);
  const a = new FileSink({ name: 'shared', path: join(dir, 'a.jsonl'), maxBytes: 1 << 20, keep: 1 });
  const b = new FileSink({ name: 'shared', path: join(dir, 'b.jsonl'), maxBytes: 1 << 20, keep: 1 });
  const [ra, rb] = await Promise.all([exportAuditPass(tc.core.deps, a, OPTS), exportAuditPass(tc.core.deps, b, { ...OPTS, holder: 'node-b' })]);
  assert.deepEqual([ra.held, rb.held].sort(), [false, true], 'exactly one node sends');
  const sender = ra.held ? 'a' : 'b';
  await audited(tc, 2);
  const idle = await exportAuditPass(tc.core.deps, sender === 'a' ? b : a, { ...OPTS, holder: sender === 'a' ? 'node-b' : 'node-a' });
  assert.equal(idle.held, false);
  assert.equal(idle.lagRecords, 2, 'the waiting node still sees the lag');
  tc.clock.advance(OPTS.leaseMs + 1);
  const takeover = await exportAuditPass(tc.core.deps, sender === 'a' ? b : a, { ...OPTS, holder: sender === 'a' ? 'node-b' : 'node-a' });
  assert.deepEqual([takeover.held, takeover.entries], [true, 2], 'it resumes from the shared cursor');
  const all = [...readSet(join(dir, 'a.jsonl'), 0).records, ...readSet(join(dir, 'b.jsonl'), 0).records];
  assert.deepEqual(seqs(all, 'audit').sort((x, y) => x - y), range(1, 5));
  assert.ok(readdirSync(dir).length > 0);
});

test("the export's checkpoints, kept outside the server, show a tail cut from the server's own store (audit verify --checkpoint EXPORT)", async (t) => {
  const { tc, dir, kit } = await exportCore(t);
  const path = join(dir, 'audit.jsonl');
  await audited(tc, 15);
  await checkpoint(tc, kit);
  await exportAuditPass(tc.core.deps, new FileSink({ name: 'archive', path, maxBytes: 1 << 20, keep: 1 }), { ...OPTS, batchSize: 100 });
  // Someone with the database (not the key) removes the last entries and every checkpoint in it.
  await raw(tc, 'delete from audit where seq > 12; delete from audit_checkpoints;');
  const exported = readCheckpointFile(path);
  assert.deepEqual(exported.checkpoints.map((c) => c.seq), [15]);
  const report = await verifyAuditTrail(tc.core.deps, LOCAL_OPERATOR, { verifier: kit.verifier, sources: [{ where: path, checkpoints: exported.checkpoints }] });
  assert.equal(report.intact, false);
  assert.match(report.problems.join('\n'), /audit trail cut: .* covers entries up to seq 15, but the store ends at seq 12/);
});
