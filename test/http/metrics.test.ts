import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { API, basic, makeApp, roleId, type TestApp } from '../support/harness.js';

const TOKEN = 'scrape-token-0123456789abcdef';
let t: TestApp;

before(async () => {
  t = await makeApp({ config: { metricsToken: TOKEN } });
});
after(() => t.destroy());

const scrape = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/metrics', headers });

/** The value of an unlabelled (or exactly labelled) sample in a Prometheus text page. */
function sample(page: string, name: string): number {
  const line = page.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is missing from the metrics page`);
  return Number(line.slice(name.length + 1));
}

test('metrics are for the scraper holding the token and for administrators only', async () => {
  assert.equal((await scrape({})).statusCode, 401);
  const jen = await scrape(basic('jen'));
  assert.equal(jen.statusCode, 403);
  assert.ok(jen.json()['odata.error'].message.value.length > 0);
  const wrong = await scrape({ authorization: 'Bearer not-the-token-not-the-token' });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json()['odata.error'].message.value, 'The metrics token is wrong.');

  for (const headers of [basic('admin'), { authorization: `Bearer ${TOKEN}` }]) {
    const res = await scrape(headers);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(res.body, 'elevate_revocation_lateness_seconds'), 0);
  }
  assert.equal((await t.app.inject({ method: 'POST', url: '/metrics', headers: basic('admin') })).statusCode, 405);
});

test('the revocation lateness gauge shows an expiry the scheduler has not handled yet, and falls back once it has', async () => {
  const id = await roleId(t.app, 'Allow AD Access');
  const made = await t.app.inject({ method: 'POST', url: `${API}/pamrequests`, headers: basic('jen'), payload: { RoleId: id, RequestedTTL: '60' } });
  assert.equal(made.statusCode, 201);

  t.clock.advance(90_000); // 30 s past the expiry, and no tick yet
  const late = (await scrape(basic('admin'))).body;
  assert.equal(sample(late, 'elevate_revocation_lateness_seconds'), 30);
  assert.equal(sample(late, 'elevate_due_requests'), 1);
  assert.equal(sample(late, 'elevate_due_lag_seconds'), 30);

  await t.tick();
  const caughtUp = (await scrape(basic('admin'))).body;
  assert.equal(sample(caughtUp, 'elevate_revocation_lateness_seconds'), 0);
  assert.equal(sample(caughtUp, 'elevate_due_requests'), 0);
  assert.equal(sample(caughtUp, 'elevate_outbox_open_jobs{kind="revoke"}'), 0, 'embedded groups need no outbox');
});

test('without a configured token a bearer scraper is told how to get in', async () => {
  const plain = await makeApp();
  try {
    const res = await plain.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.statusCode, 401);
    assert.match(res.json()['odata.error'].message.value, /No metrics token is configured/);
  } finally {
    await plain.destroy();
  }
});
