import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendDurably, mkdirDurably, writeFileDurably } from '../../../src/adapters/fs/durable-file.js';
import { tempDir } from '../../support/harness.js';

// That the data survives a power cut is shown by test/e2e/power-cut.test.ts on a filesystem that
// drops whatever was not fsynced; these pin down the file-level contract.
test('writeFileDurably writes all or nothing with the mode given, replaces or refuses an existing file, and leaves no temporary', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'key');
  writeFileDurably(f, 'one\n', { mode: 0o600, exclusive: true });
  assert.equal(readFileSync(f, 'utf8'), 'one\n');
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.throws(() => writeFileDurably(f, 'two\n', { mode: 0o600, exclusive: true }), { code: 'EEXIST' });
  assert.equal(readFileSync(f, 'utf8'), 'one\n');
  writeFileDurably(f, 'three\n', { mode: 0o644 });
  assert.equal(readFileSync(f, 'utf8'), 'three\n');
  assert.deepEqual(readdirSync(dir), ['key'], 'no temporary file left behind');
});

test('appendDurably creates with the mode given, then appends; mkdirDurably makes missing parents', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nested = join(dir, 'a', 'b');
  mkdirDurably(nested, 0o700);
  mkdirDurably(nested, 0o700); // an existing directory is fine
  assert.equal(statSync(nested).mode & 0o777, 0o700);
  const f = join(nested, 'log');
  appendDurably(f, 'x\n', { mode: 0o640 });
  appendDurably(f, 'y\n', { mode: 0o600 });
  assert.equal(readFileSync(f, 'utf8'), 'x\ny\n');
  assert.equal(statSync(f).mode & 0o777, 0o640);
  writeFileSync(join(dir, 'plain'), '');
  assert.throws(() => mkdirDurably(join(dir, 'plain', 'c'), 0o700), { code: 'ENOTDIR' });
});
