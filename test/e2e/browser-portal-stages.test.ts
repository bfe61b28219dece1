// Issue 14 through the Microsoft PAM sample portal (test/e2e/portal-fixture/portal.js) in real
// headless Chromium against a real `elevate serve --demo` process: a role with two approval stages
// (ann, then bob). Each approver's sample-portal approvals list shows jen's request only while
// their stage is open, each approves with the portal's own POST, and jen's View History shows it
// Active. The MIM wire is unchanged: stages are invisible to the portal except through who sees what.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiCall } from '../support/admin-api.js';
import type { ChromiumSession } from '../support/chromium.js';
import { type Approval, type Collection, type PamRequest, type Role, history, ok, openSamplePortal, portal, serveSamplePortal } from '../support/sample-portal.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let elevate: ServerProcess | undefined;
let statics: http.Server | undefined;
let dataDir: string | undefined;
const sessions: ChromiumSession[] = [];
let jen: Page, ann: Page, bob: Page;

const adminCall = (method: string, url: string, body?: unknown): Promise<unknown> => apiCall(elevate!.url, method, url, body);

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-browser-stages-'));
  const fixture = await serveSamplePortal();
  statics = fixture.server;
  elevate = await startServerProcess(['--demo', '--data', dataDir, '--cors-origin', fixture.origin]);
  await adminCall('POST', '/api/admin/users', { login: 'bob', displayName: 'Bob', password: 'bob' });
  await adminCall('POST', '/api/admin/groups', { name: 'Two Stage Access' });
  await adminCall('POST', '/api/admin/roles', {
    name: 'Two Stage Role',
    ttlSeconds: 3600,
    groups: ['Two Stage Access'],
    candidates: ['jen'],
    approval: { stages: [{ approvers: ['ann'], required: 1 }, { approvers: ['bob'], required: 1 }] },
  });
  // Settle every launch before failing, so `after` closes each browser that did start.
  const opened = await Promise.allSettled(['jen', 'ann', 'bob'].map((login) => openSamplePortal(fixture.origin, elevate!.url, { username: login, password: login })));
  for (const o of opened) if (o.status === 'fulfilled') sessions.push(o.value.session);
  const failed = opened.find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
  [jen, ann, bob] = opened.map((o) => (o as PromiseFulfilledResult<{ page: Page }>).value.page) as [Page, Page, Page];
}, { timeout: 60_000 });

after(async () => {
  for (const s of sessions.splice(0)) await s.close().catch(() => {});
  await elevate?.stop();
  if (statics) await new Promise((r) => statics!.close(r));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function waitingFor(page: Page, requestId: string): Promise<Approval | undefined> {
  const list = ok(await portal<Collection<Approval>>(page, 'approvals'), 'GET pamrequeststoapprove').value;
  return list.find((a) => a.FIMRequestID.Value === requestId);
}

test('two-stage role in the sample portal: stage 2 sees the request only after stage 1 approves; then it is Active', async () => {
  const roles = ok(await portal<Collection<Role>>(jen, 'roles'), 'GET pamroles').value;
  const role = roles.find((r) => r.DisplayName === 'Two Stage Role');
  assert.ok(role, `jen cannot request the two-stage role: ${JSON.stringify(roles.map((r) => r.DisplayName))}`);

  const created = await portal<PamRequest>(jen, 'create', role.RoleId, 1800, 'browser e2e: two stages', '');
  assert.equal(created.status, 201, JSON.stringify(created));
  const request = ok(created, 'POST pamrequests (Two Stage Role)');
  assert.equal(request.RequestStatus, 'PendingApproval');

  // Stage 1 open: ann sees it, bob (stage 2) does not, and cannot decide it by guessing its id either.
  assert.equal(await waitingFor(bob, request.RequestId), undefined, 'bob sees the request while stage 1 is open');
  const first = await waitingFor(ann, request.RequestId);
  assert.ok(first, 'ann (stage 1) does not see the request');
  assert.equal(first.RoleName, 'Two Stage Role');
  assert.equal(first.Requestor, 'PRIV.jen');
  const early = await portal(bob, 'approve', first.ApprovalObjectID.Value);
  assert.equal(early.ok, false, `bob approved stage 1's approval: ${JSON.stringify(early)}`);
  assert.ok(!early.ok && early.status >= 400 && early.status < 500 && typeof early.message === 'string', JSON.stringify(early));

  const approved1 = await portal(ann, 'approve', first.ApprovalObjectID.Value);
  assert.ok(approved1.ok, `ann's Approve reached jQuery's error callback: ${JSON.stringify(approved1)}`);
  assert.equal(approved1.status, 200);
  assert.equal((await history(jen)).find((q) => q.RequestId === request.RequestId)?.RequestStatus, 'PendingApproval', 'one stage of two is not enough');

  // Stage 2 open: ann no longer sees it, bob does, and approves it through the portal.
  assert.equal(await waitingFor(ann, request.RequestId), undefined, 'ann still sees the request after deciding her stage');
  const second = await waitingFor(bob, request.RequestId);
  assert.ok(second, 'bob (stage 2) does not see the request once stage 1 is approved');
  const approved2 = await portal(bob, 'approve', second.ApprovalObjectID.Value);
  assert.ok(approved2.ok, `bob's Approve reached jQuery's error callback: ${JSON.stringify(approved2)}`);
  assert.equal(approved2.status, 200);
  assert.equal(await waitingFor(bob, request.RequestId), undefined);

  // The grant may finish just after the answer: jen's View History shows it Active.
  const until = Date.now() + 10_000;
  let status = '';
  while ((status = (await history(jen)).find((q) => q.RequestId === request.RequestId)?.RequestStatus ?? '') !== 'Active' && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  assert.equal(status, 'Active');
  const page = (await portal(jen, 'rolesWithExpiry')) as unknown as { ok: boolean; roles: Role[] };
  assert.ok(page.ok, JSON.stringify(page));
  assert.notEqual(page.roles.find((r) => r.RoleId === role.RoleId)?.ExpirationTime, '', 'the Activate page does not show the role active');
});
