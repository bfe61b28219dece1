import assert from 'node:assert/strict';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { loadSqliteDriver, SQLITE_FILE } from '../../src/adapters/store/sqlite/sqlite-store.js';
import { DEMO_TOTP_SECRET } from '../../src/app/demo.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { provisionTotp } from '../../src/app/mfa/enrol-totp.js';
import { makeCore, tempDir } from '../support/harness.js';

/** The secret column as it sits in the database file, read around the application. */
function storedSecrets(dataDir: string): { login: string; secret: string }[] {
  const Driver = loadSqliteDriver();
  const db = new Driver(join(dataDir, SQLITE_FILE), { readonly: true });
  try {
    return db.prepare('select a.login, t.secret from mfa_totp t join accounts a on a.id = t.account_id order by a.login').all() as { login: string; secret: string }[];
  } finally {
    db.close();
  }
}

const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('hex');

// On SQLite: these tests read the database file around the application, and the generated key
// lives in the data directory. On PostgreSQL a key must be configured (test/adapters/store/copy-store).
describe('MFA secrets at rest', () => {
  const dirs: string[] = [];
  const scratch = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('a TOTP secret is stored sealed, never as its plaintext, and still verifies codes', async () => {
    const t = await makeCore({ store: 'sqlite', config: { mfaKey: KEY_A } });
    dirs.push(t.dataDir);
    const e = await provisionTotp(t.core.deps, t.core.mfa, LOCAL_OPERATOR, 'ann');
    await t.close();
    const rows = storedSecrets(t.dataDir);
    assert.deepEqual(rows.map((r) => r.login), ['ann', 'jen']);
    for (const r of rows) {
      assert.match(r.secret, /^v1\.[0-9a-f]{8}\./);
      assert.ok(!r.secret.includes(e.secret) && !r.secret.includes(DEMO_TOTP_SECRET), 'no plaintext in the column');
    }
    // Two sealings of one secret differ (fresh IV), so equal secrets are not visible as equal rows.
    assert.notEqual(rows[0]!.secret, rows[1]!.secret);
  });

  test('a wrong key fails loudly at start-up, naming the key; the right key opens the store again', async () => {
    const dataDir = scratch();
    await (await makeCore({ store: 'sqlite', dataDir, config: { mfaKey: KEY_A } })).close();
    await assert.rejects(makeCore({ store: 'sqlite', dataDir, demo: false, config: { mfaKey: KEY_B } }), /MFA key does not open the secrets in this store.*refusing to start/s);
    const again = await makeCore({ store: 'sqlite', dataDir, demo: false, config: { mfaKey: KEY_A } });
    assert.equal(again.core.mfaKey.sealing.checked, 1);
    await again.close();
  });

  test('plaintext secrets from an older store are sealed at start-up, and their codes keep working', async () => {
    const dataDir = scratch();
    await (await makeCore({ store: 'sqlite', dataDir, config: { mfaKey: KEY_A } })).close();
    // What a store written before sealing holds: the base32 secret itself.
    const db = new (loadSqliteDriver())(join(dataDir, SQLITE_FILE));
    db.prepare('update mfa_totp set secret = ?').run(DEMO_TOTP_SECRET);
    db.close();
    const t = await makeCore({ store: 'sqlite', dataDir, demo: false, config: { mfaKey: KEY_A } });
    assert.deepEqual(t.core.mfaKey.sealing, { sealed: 1, checked: 0 });
    await t.close();
    assert.match(storedSecrets(dataDir)[0]!.secret, /^v1\./);
    const reopened = await makeCore({ store: 'sqlite', dataDir, demo: false, config: { mfaKey: KEY_A }, clock: t.clock });
    const { checkProof } = await import('../../src/app/mfa/check-proof.js');
    const code = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET) }).generate({ timestamp: reopened.clock.now() });
    const jen = await reopened.core.deps.store.read((tx) => tx.accounts.byLogin('jen'));
    const outcome = await reopened.core.deps.store.transaction((tx) =>
      checkProof(reopened.core.deps, reopened.core.mfa, tx, { purpose: 'request', subjectId: 'r', accountId: jen!.id }, { kind: 'totp', code }, reopened.clock.now()),
    );
    assert.equal(outcome.ok, true);
    await reopened.close();
  });

  test('with no key configured, one is generated in the data directory with mode 0600 and reused', async () => {
    const t = await makeCore({ store: 'sqlite' });
    dirs.push(t.dataDir);
    assert.equal(t.core.mfaKey.origin, 'generated');
    const path = join(t.dataDir, 'mfa.key');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const keyId = t.core.mfaKey.keyId;
    await t.close();
    const again = await makeCore({ store: 'sqlite', dataDir: t.dataDir, demo: false });
    assert.equal(again.core.mfaKey.origin, 'data-dir');
    assert.equal(again.core.mfaKey.keyId, keyId);
    await again.close();
  });

  test('a key file is read, a malformed key is refused by name, and both settings at once are refused', async () => {
    const dir = scratch();
    const file = join(dir, 'key');
    writeFileSync(file, `${KEY_B}\n`, { mode: 0o600 });
    const t = await makeCore({ store: 'sqlite', config: { mfaKeyFile: file } });
    dirs.push(t.dataDir);
    assert.equal(t.core.mfaKey.origin, 'file');
    assert.equal(t.core.mfaKey.warning, null);
    await t.close();
    writeFileSync(join(dir, 'short'), 'c2hvcnQ=\n', { mode: 0o600 });
    await assert.rejects(makeCore({ store: 'sqlite', dataDir: scratch(), config: { mfaKeyFile: join(dir, 'short') } }), /MFA key in .*short must be 32 random bytes/);
    await assert.rejects(makeCore({ store: 'sqlite', dataDir: scratch(), config: { mfaKey: KEY_A, mfaKeyFile: file } }), /mfaKey: give the MFA key once/);
  });
});
