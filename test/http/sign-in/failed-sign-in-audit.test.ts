/**
 * Failed sign-ins are audited (issue 11, finding 7e): login, address and reason, never the password;
 * a flood of made-up logins cannot grow the audit trail without bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, basic, makeApp, type TestApp } from '../../support/harness.js';

const failures = (t: TestApp) => t.core.store.read((tx) => tx.audit.list({ action: 'signin.failed', limit: 10_000 }));
const suppressed = (t: TestApp) => t.core.store.read((tx) => tx.audit.list({ action: 'signin.failed.unrecorded', limit: 10_000 }));

test('a wrong password, a disabled account and an unknown login are audited with the address and reason, never the password', async () => {
  const t = await makeApp();
  try {
    await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('PRIV\\jen', 'Secret-Guess-1'), remoteAddress: '192.0.2.5' });
    await t.app.inject({ method: 'POST', url: '/api/session/login', payload: { login: 'ann', password: 'Secret-Guess-2' }, remoteAddress: '192.0.2.6' });
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: basic('admin'), payload: { login: 'bob', password: 'bob' } })).statusCode, 201);
    assert.equal((await t.app.inject({ method: 'PATCH', url: '/api/admin/users/bob', headers: basic('admin'), payload: { disabled: true } })).statusCode, 200);
    await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('bob'), remoteAddress: '192.0.2.8' });
    await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('ghost', 'Secret-Guess-3'), remoteAddress: '192.0.2.7' });
    const rows = await failures(t);
    const jen = await t.core.store.read((tx) => tx.accounts.byLogin('jen'));
    const byLogin = Object.fromEntries(rows.map((r) => [(r.after as { login: string }).login, r]));
    assert.deepEqual(byLogin.jen?.after, { login: 'jen', address: '192.0.2.5', reason: 'wrong password' });
    assert.equal(byLogin.jen?.targetId, jen!.id);
    assert.equal(byLogin.jen?.targetType, 'account');
    assert.deepEqual(byLogin.ann?.after, { login: 'ann', address: '192.0.2.6', reason: 'wrong password' });
    assert.deepEqual(byLogin.bob?.after, { login: 'bob', address: '192.0.2.8', reason: 'account disabled' });
    assert.deepEqual(byLogin.ghost?.after, { login: 'ghost', address: '192.0.2.7', reason: 'no such account' });
    assert.doesNotMatch(JSON.stringify(rows), /Secret-Guess/);
    // The right password is not a failure.
    await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen') });
    assert.equal((await failures(t)).length, rows.length);
  } finally {
    await t.destroy();
  }
});

test('a flood of made-up logins is audited up to a limit, then counted in one entry per period', async () => {
  const t = await makeApp();
  try {
    for (let i = 0; i < 300; i++) {
      await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic(`made-up-${i}`, 'x'), remoteAddress: `10.6.${i >> 8}.${i & 255}` });
    }
    const rows = await failures(t);
    assert.ok(rows.length <= 100, `${rows.length} entries for 300 made-up logins`);
    // The next period opens with one entry counting what was left out.
    t.clock.advance(60 * 60_000);
    await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('made-up-last', 'x'), remoteAddress: '10.6.9.9' });
    const summary = await suppressed(t);
    assert.equal(summary.length, 1);
    assert.equal((summary[0]!.after as { count: number }).count, 300 - rows.length);
    // Failures for real accounts are always recorded (the throttle bounds how many there can be).
    await t.app.inject({ method: 'GET', url: `${API}/pamroles`, headers: basic('jen', 'wrong'), remoteAddress: '10.6.9.10' });
    assert.ok((await failures(t)).some((r) => (r.after as { login: string }).login === 'jen'));
  } finally {
    await t.destroy();
  }
});
