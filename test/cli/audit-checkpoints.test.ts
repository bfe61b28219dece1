import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSqliteDriver } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { checkpointPayload } from '../../src/domain/audit/checkpoint.js';
import { GENESIS_HASH, chainText } from '../../src/domain/audit/hash-chain.js';
import { cliJson, runCli, tempDir } from './run-cli.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** An installation with a signing key configured and a few audited changes made through the CLI. */
async function installation(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const key = join(dir, 'audit.key');
  const gen = await runCli(['audit', 'keygen', '--out', key]);
  assert.equal(gen.code, 0, gen.stderr);
  assert.match(gen.stdout, /^audit signing key [0-9a-f]{16} written to /);
  assert.equal(statSync(key).mode & 0o777, 0o600);
  assert.equal((await runCli(['audit', 'keygen', '--out', key])).code, 1, 'never overwrites a key');
  const config = join(dir, 'elevate.yaml');
  writeFileSync(config, `dataDir: ${data}\naudit:\n  signingKeyFile: ${key}\n`);
  const c = ['--config', config];
  await cliJson(['user', 'add', 'jen', '--init', ...c]);
  await cliJson(['group', 'add', 'Ops', ...c]);
  await cliJson(['group', 'set', 'Ops', '--description', 'operators', ...c]);
  const checkpointFile = join(data, 'audit-checkpoints.jsonl');
  return { dir, data, key, publicKey: `${key}.pub`, config, c, checkpointFile };
}

function sqlite(data: string) {
  return new (loadSqliteDriver())(join(data, 'elevate.db'));
}

test('a good store passes audit verify against its checkpoints, from the config and from an auditor\'s copy', async (t) => {
  const i = await installation(t);
  const lines = readFileSync(i.checkpointFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.seq), [1, 2, 3], 'each administration command anchors the head it left');

  const ok = await runCli(['audit', 'verify', ...i.c]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^audit chain intact: 3 entries verified\nagrees with the checkpoint for seq 3 signed at \S+ by key [0-9a-f]{16} \(/);
  const json = await cliJson(['audit', 'verify', ...i.c]);
  assert.equal(json.intact, true);
  assert.equal(json.checkpoint.seq, 3);
  assert.deepEqual(json.problems, []);

  // An auditor elsewhere: the public key and the shipped checkpoint file, no signing key.
  const auditor = await runCli(['audit', 'verify', '--data', i.data, '--checkpoint', i.checkpointFile, '--public-key', i.publicKey]);
  assert.equal(auditor.code, 0, auditor.stderr);
});

test('attack: deleting the newest audit row fails audit verify with a checkpoint', async (t) => {
  const i = await installation(t);
  const db = sqlite(i.data);
  try {
    db.prepare('delete from audit where seq = (select max(seq) from audit)').run();
    // The attacker holds the database, so the store's own checkpoints go too.
    db.prepare('delete from audit_checkpoints').run();
  } finally {
    db.close();
  }
  const r = await runCli(['audit', 'verify', ...i.c]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /^elevate: audit trail cut: the checkpoint signed at \S+ \(.*audit-checkpoints\.jsonl\) covers entries up to seq 3, but the store ends at seq 2/m);
  const json = await runCli(['audit', 'verify', '--json', ...i.c]);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).intact, false);
  assert.equal(JSON.parse(json.stdout).brokenAtSeq, null, 'the chain alone still links: this is what passed before checkpoints');
  const auditor = await runCli(['audit', 'verify', '--data', i.data, '--checkpoint', i.checkpointFile, '--public-key', i.publicKey]);
  assert.equal(auditor.code, 1);
  assert.match(auditor.stderr, /audit trail cut/);

  // And the next administration command refuses to sign the cut head rather than bless it.
  const next = await runCli(['group', 'add', 'Later', ...i.c]);
  assert.equal(next.code, 0);
  // It wrote seq 3 anew: to the checkpoint that is a rewritten entry 3.
  assert.match(next.stderr, /warning: audit checkpoint not signed: audit chain rewritten: entry 3 /);
  assert.equal(readFileSync(i.checkpointFile, 'utf8').trim().split('\n').length, 3);
});

test('attack: rewriting a past row and re-chaining with the project\'s own chain function fails audit verify', async (t) => {
  const i = await installation(t);
  const db = sqlite(i.data);
  try {
    const rows = db.prepare('select * from audit order by seq').all() as Record<string, any>[];
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const after = r.seq === 2 ? JSON.stringify({ ...JSON.parse(r.after_json), description: 'nothing to see here' }) : r.after_json;
      const entry = {
        at: r.at, actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id, requestId: r.request_id,
        before: r.before_json === null ? null : JSON.parse(r.before_json), after: after === null ? null : JSON.parse(after),
      };
      const hash = sha256(chainText(prev, r.seq, entry));
      db.prepare('update audit set after_json = ?, hash = ? where seq = ?').run(after, hash, r.seq);
      prev = hash;
    }
    db.prepare('delete from audit_checkpoints').run();
  } finally {
    db.close();
  }
  const r = await runCli(['audit', 'verify', ...i.c]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /^elevate: audit chain rewritten: entry 3 has hash [0-9a-f]{16}…, but the checkpoint signed at \S+ \(.*\) says [0-9a-f]{16}…/m);
  assert.doesNotMatch(r.stderr, /chain broken/, 'the chain itself links: only the checkpoint catches it');
  const auditor = await runCli(['audit', 'verify', '--data', i.data, '--checkpoint', i.checkpointFile, '--public-key', i.publicKey, '--json']);
  assert.equal(auditor.code, 1);
  assert.match(JSON.parse(auditor.stdout).problems[0], /^audit chain rewritten/);
});

test('a forged checkpoint fails audit verify: another key, or an altered signature', async (t) => {
  const i = await installation(t);
  // The attacker cuts the tail and writes a checkpoint for the shorter head with a key of their own.
  const db = sqlite(i.data);
  let head: { seq: number; hash: string };
  try {
    db.prepare('delete from audit where seq = 3').run();
    db.prepare('delete from audit_checkpoints').run();
    head = db.prepare('select seq, hash from audit where seq = 2').get() as { seq: number; hash: string };
  } finally {
    db.close();
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const theirId = sha256('x').slice(0, 16);
  const unsigned = { seq: head.seq, hash: head.hash, at: Date.now() + 60_000, keyId: theirId };
  const forged = { ...unsigned, at: new Date(unsigned.at).toISOString(), signature: sign(null, Buffer.from(checkpointPayload(unsigned)), privateKey).toString('base64') };
  const forgedFile = join(i.dir, 'forged.jsonl');
  writeFileSync(forgedFile, `${JSON.stringify(forged)}\n`);
  const r = await runCli(['audit', 'verify', '--data', i.data, '--checkpoint', forgedFile, '--public-key', i.publicKey]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /signed by key [0-9a-f]{16}, which is not among the keys given/);

  // The right key id, a signature made by another key: invalid.
  const realId = JSON.parse(readFileSync(i.checkpointFile, 'utf8').split('\n')[0]!).keyId as string;
  const asReal = { ...unsigned, keyId: realId };
  appendFileSync(i.checkpointFile, `${JSON.stringify({ ...asReal, at: new Date(asReal.at).toISOString(), seq: 9, signature: sign(null, Buffer.from(checkpointPayload({ ...asReal, seq: 9 })), privateKey).toString('base64') })}\n`);
  const bad = await runCli(['audit', 'verify', ...i.c]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /the checkpoint for seq 9 in .* has an invalid signature: it was forged or altered/);
  void publicKey;
});

test('audit verify without a key or checkpoints says so, and passes on the chain alone', async (t) => {
  const data = tempDir(t);
  await cliJson(['user', 'add', 'jen', '--init', '--data', data]);
  const r = await runCli(['audit', 'verify', '--data', data]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'audit chain intact: 1 entry verified\n');
  assert.match(r.stderr, /^elevate: note: audit checkpoints are not configured \(audit\.signingKeyFile\)/);
  // A public key given but no checkpoint anywhere: a cut could not be ruled out, so it fails.
  const key = join(data, 'k');
  assert.equal((await runCli(['audit', 'keygen', '--out', key])).code, 0);
  const none = await runCli(['audit', 'verify', '--data', data, '--public-key', `${key}.pub`]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no audit checkpoint found/);
  assert.equal((await runCli(['audit', 'keygen'])).code, 2, 'keygen needs --out');
});
