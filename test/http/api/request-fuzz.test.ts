/**
 * Property tests over request creation and the entity actions: whatever a client sends, the answer
 * is never a 5xx, every refusal is an OData error, and a refused call changes no stored data.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { API, basic, makeApp, roleId } from '../../support/harness.js';
import { assertElement, createForm, dataSnapshot, listApprovals } from './helpers.js';
import { CALLERS, RUNS, INJECTIONS, encodable, text, type Ctx, assertOutcome } from './fuzz-support.js';

describe('fuzzing POST pamrequests and the entity actions', () => {
  let ctx: Ctx;
  before(async () => {
    const t = await makeApp();
    const roleIds = await Promise.all(['Allow AD Access', 'ApprovalRole', 'MFA Role', 'Business Hours'].map((n) => roleId(t.app, n)));
    ctx = { t, roleIds };
  });
  after(async () => {
    await ctx.t.destroy();
  });

  const PARAM_NAMES = ['RoleId', 'RequestedTTL', 'Justification', 'RequestedTime'];

  function paramValue(roleIds: string[]): fc.Arbitrary<string> {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...roleIds, ...roleIds.map((r) => r.toUpperCase()), `{${roleIds[0]}}`, 'c0112f13-b16b-40ad-b547-07f23a7fba52', '00000000-0000-0000-0000-000000000000') },
      { weight: 3, arbitrary: fc.constantFrom('0', '1', '60', '600', '1800', '3600', '3601', '-1', '1.5', '1e3', '0x10', ' 60 ', '99999999999', '999999999999999999999', '') },
      {
        weight: 2,
        arbitrary: fc.constantFrom('2026/01/05 12:30', '2026/01/05 09:00', '2026/1/5 23:59', '2026/02/30 10:00', '2026-01-05T12:00:00Z', '2026-01-05T12:00:00+14:00', '2026-01-05T12:00:00+15:00', '0001-01-01T00:00:00', '9999-12-31T23:59:59Z', 'tomorrow', '2026/01/05 25:00'),
      },
      { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
      { weight: 2, arbitrary: text(40) },
      { weight: 1, arbitrary: fc.integer({ min: 3000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
      { weight: 1, arbitrary: fc.integer({ min: 500, max: 3000 }).map((n) => '😀'.repeat(n)) },
    );
  }

  test('random parameters, names, values and transports: never a 5xx, refusals change nothing', async () => {
    const name = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...PARAM_NAMES) },
      { weight: 2, arbitrary: fc.constantFrom('roleid', 'REQUESTEDTTL', 'justification', 'requestedtime', 'RequestID', 'TTL', 'Comment', 'v', '$filter', '__proto__', 'constructor') },
      { weight: 1, arbitrary: text(10) },
    );
    const params = fc.array(fc.tuple(name, paramValue(ctx.roleIds)), { minLength: 0, maxLength: 7 });
    const transport = fc.constantFrom('json', 'form', 'query', 'mixed', 'json-typed');
    let created = 0;
    let refusedCount = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLERS), transport, params, fc.boolean(), async (who, how, ps, useValid) => {
        // Half the time start from a valid request so deeper checks (TTL, window, candidates) are reached.
        const all: [string, string][] = useValid ? [['RoleId', ctx.roleIds[0]!], ['RequestedTTL', '600'], ...ps] : ps;
        fc.pre(all.every(([k, v]) => encodable(k) && encodable(v)));
        const enc = (pairs: [string, string][]) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const obj = (pairs: [string, string][]) => {
          const o: Record<string, unknown> = Object.create(null);
          for (const [k, v] of pairs) o[k] = how === 'json-typed' && /^-?\d+$/.test(v) ? Number(v) : v;
          return o;
        };
        const half = Math.floor(all.length / 2);
        let inject: InjectOptions;
        const headers = basic(who);
        switch (how) {
          case 'json':
          case 'json-typed':
            inject = { method: 'POST', url: `${API}/pamrequests`, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(obj(all)) };
            break;
          case 'form':
            inject = { method: 'POST', url: `${API}/pamrequests`, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, payload: enc(all) };
            break;
          case 'query':
            inject = { method: 'POST', url: `${API}/pamrequests?${enc(all)}`, headers };
            break;
          default:
            inject = {
              method: 'POST',
              url: `${API}/pamrequests?${enc(all.slice(0, half))}`,
              headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
              payload: enc(all.slice(half)),
            };
        }
        const before = await dataSnapshot(ctx.t.app);
        const res = await ctx.t.app.inject(inject);
        // Only a body over the 64 KiB limit may be refused as too large.
        const tooLarge = typeof inject.payload === 'string' && Buffer.byteLength(inject.payload) > 64 * 1024;
        assertOutcome(res, tooLarge ? [413] : [200, 201, 400, 403, 404, 409], `${who} ${how} ${JSON.stringify(all).slice(0, 300)}`);
        if (res.statusCode >= 400) {
          refusedCount++;
          assert.deepEqual(await dataSnapshot(ctx.t.app), before, `refused ${res.statusCode} changed data: ${res.body.slice(0, 200)}`);
        } else {
          created++;
          assertElement(res, [200, 201]);
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(created > 0, 'some random requests were valid');
    assert.ok(refusedCount > RUNS / 4, `refused ${refusedCount}`);
  });

  test('random entity keys and actions: never a 5xx, refusals change nothing', async () => {
    // Real ids mixed in, so some calls address something that exists (and may belong to someone else).
    const mine = assertElement(await createForm(ctx.t.app, 'jen', { RoleId: ctx.roleIds[1]!, RequestedTTL: 600 }));
    const approvals = await listApprovals(ctx.t.app, 'ann');
    const ids = [mine.RequestId, ...approvals.map((a) => a.ApprovalObjectID.Value), 'c0112f13-b16b-40ad-b547-07f23a7fba52'];
    const key = fc.oneof(
      fc.tuple(fc.constantFrom('pamrequests', 'pamrequeststoapprove', 'PamRequests', 'pamroles', 'sessioninfo', ''), fc.constantFrom(...ids), fc.constantFrom("(guid'X')", "('X')", '(X)', "(guid'X'", "(guid''X'')", "(guid'X')extra")).map(
        ([set, id, shape]) => `${set}${shape.replace('X', id)}`,
      ),
      text(30).map((s) => encodeURIComponent(s)),
    );
    const action = fc.oneof(fc.constantFrom('Close', 'Approve', 'Reject', 'VerifyMFA', 'close', 'Delete', ''), text(10).map((s) => encodeURIComponent(s)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLERS), key, action, fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'), async (who, k, a, method) => {
        fc.pre(encodable(k) && encodable(a));
        const before = await dataSnapshot(ctx.t.app);
        const url = `${API}/${k}/${a}`;
        const res = await ctx.t.app.inject({ method: method as 'POST', url, headers: basic(who) });
        assertOutcome(res, [200, 400, 403, 404, 405, 409], `${who} ${method} ${url}`);
        if (res.statusCode >= 400) assert.deepEqual(await dataSnapshot(ctx.t.app), before, `${method} ${url} refused ${res.statusCode} but changed data`);
      }),
      { numRuns: RUNS },
    );
  });
});
