import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upsertUser } from '../../src/app/admin/users.js';
import { LOCAL_OPERATOR } from '../../src/app/admin/require-admin.js';
import { API, type TestApp, basic, makeApp } from '../support/harness.js';
import { type Slapd, startSlapd } from '../support/slapd.js';

let slapd: Slapd;
let t: TestApp;

before(async () => {
  slapd = await startSlapd();
  t = await makeApp({
    config: {
      directories: {
        corp: { url: slapd.url, bindDn: slapd.bindDn, bindPasswordFile: slapd.bindPasswordFile, userBase: slapd.people, signIn: true, timeoutMs: 1000 },
      },
    },
  });
  // alice has no local password: she signs in with her directory password, as with Windows sign-in.
  await upsertUser(t.core.deps, t.core.hasher, LOCAL_OPERATOR, { login: 'alice', displayName: 'Alice' }, 'create');
});

after(async () => {
  process.kill(slapd.pid, 'SIGCONT');
  await t.destroy();
  await slapd.stop();
});

const whoami = (login: string, password: string) =>
  t.app.inject({ method: 'GET', url: `${API}/sessioninfo`, headers: basic(login, password) });

test('Basic credentials are checked by an LDAP bind for accounts without a local password', async () => {
  const ok = await whoami('alice', 'alice-pw');
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().value[0].Username, 'PRIV\\alice');
  assert.equal((await whoami('alice', 'wrong')).statusCode, 401);
  assert.equal((await whoami('alice', '')).statusCode, 401, 'an empty password is never an anonymous bind');
});

test('local accounts keep their local password; the directory cannot vouch for them', async () => {
  assert.equal((await whoami('jen', 'jen')).statusCode, 200);
  // bob exists in the directory but not in Elevate: no account, no entry.
  assert.equal((await whoami('bob', 'bob-pw')).statusCode, 401);
});

test('a directory that cannot answer gives 503, not "wrong password"', async () => {
  process.kill(slapd.pid, 'SIGSTOP');
  try {
    const res = await whoami('alice', 'another-guess');
    assert.equal(res.statusCode, 503);
    assert.equal(res.json()['odata.error'].code, 'DirectoryUnavailable');
  } finally {
    process.kill(slapd.pid, 'SIGCONT');
  }
});
