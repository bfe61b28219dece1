import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { type TestCore, makeCore } from '../support/harness.js';

let t: TestCore;
before(async () => (t = await makeCore()));
after(async () => t.destroy());

/** The stored row behind a cookie (the store keeps only the token's hash). */
const stored = (token: string) =>
  t.core.store.transaction(async (tx) => (await tx.sessions.byTokenHash(createHash('sha256').update(token).digest('hex'))) ?? null);

test('sessions end after the idle timeout, and purging deletes them from the store', async () => {
  const s = await t.core.sessions.login('jen', 'jen');
  assert.ok(s);
  assert.equal((await t.core.sessions.resolve(s.token))?.caller.login, 'jen');
  const kept = await t.core.sessions.login('ann', 'ann');
  t.clock.advance(20 * 60_000);
  assert.ok(await t.core.sessions.resolve(kept!.token), 'ann stays active');
  t.clock.advance(15 * 60_000);
  assert.ok(await stored(s.token), 'still stored before the purge');
  await t.core.sessions.purgeExpired();
  assert.equal(await stored(s.token), null, 'jen was idle for 35 minutes: purged');
  assert.ok(await stored(kept!.token), 'ann was seen 15 minutes ago: kept');
  assert.equal(await t.core.sessions.resolve(s.token), null);
});

test('a wrong password opens no session; a disabled account loses its sessions', async () => {
  assert.equal(await t.core.sessions.login('jen', 'nope'), null);
  const s = await t.core.sessions.login('jen', 'jen');
  await t.core.store.transaction(async (tx) => {
    const jen = (await tx.accounts.byLogin('jen'))!;
    await tx.accounts.update({ ...jen, disabled: true });
  });
  assert.equal(await t.core.sessions.resolve(s!.token), null);
});

test('the CSRF token is not stored: a copy of the sessions table yields neither cookie nor token', async () => {
  const s = (await t.core.sessions.login('admin', 'admin'))!;
  const row = (await stored(s.token))!;
  const values = Object.values(row).map(String);
  assert.ok(!values.some((v) => v.includes(s.csrfToken)), `the stored row holds the CSRF token: ${JSON.stringify(row)}`);
  assert.ok(!values.some((v) => v.includes(s.token)));
  // The portal still gets it back from its cookie.
  assert.equal((await t.core.sessions.resolve(s.token))?.csrfToken, s.csrfToken);
  const other = (await t.core.sessions.login('admin', 'admin'))!;
  assert.notEqual(other.csrfToken, s.csrfToken);
});
