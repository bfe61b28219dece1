// The audit trail and approvals in real headless Chromium against `elevate serve --demo` (issue 18
// §1): the audit view pages by its `before=` cursor (100 a page, no entry twice, none left out,
// back again with Newer), exports the current filter as CSV and JSON (downloaded, parsed, the same
// entries the API answers for that filter), and Approve says what was decided. At desktop and at
// 390 px; screenshots in test-artifacts/portal/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/chromium.js';
import { PortalPeople } from '../support/portal-people.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const SHOTS = fileURLToPath(new URL('../../../test-artifacts/portal/', import.meta.url));
const auth = (login: string) => ({ authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}` });

let elevate: ServerProcess;
let dataDir: string;
let browser: Browser;
let people: PortalPeople;
let desk: Page, phone: Page, annDesk: Page, annPhone: Page;

async function api(method: string, path: string, login: string, body?: unknown): Promise<any> {
  const form = typeof body === 'string';
  const res = await fetch(`${elevate.url}${path}`, {
    method,
    headers: { ...auth(login), ...(body !== undefined && { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }) },
    ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return text === '' ? null : JSON.parse(text);
}

interface Entry {
  seq: number;
  actionName: string;
  targetName: string;
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'elevate-portal-audit-'));
  elevate = await startServerProcess(['--demo', '--data', dataDir]);
  // Two pages of audit entries (100 a page): the demo's, 130 users created, then a few changed.
  for (let i = 0; i < 130; i++) await api('POST', '/api/admin/users', 'admin', { login: `audit${String(i).padStart(3, '0')}` });
  for (let i = 0; i < 5; i++) await api('PATCH', `/api/admin/users/audit${String(i).padStart(3, '0')}`, 'admin', { displayName: `Changed ${i}` });
  browser = await launchBrowser();
  people = new PortalPeople(browser, elevate.url);
  [desk, phone, annDesk, annPhone] = await Promise.all([people.newPerson(), people.newPerson({ width: 390, height: 844 }), people.newPerson(), people.newPerson({ width: 390, height: 844 })]);
  await Promise.all([people.signIn(desk, 'admin'), people.signIn(phone, 'admin'), people.signIn(annDesk, 'ann'), people.signIn(annPhone, 'ann')]);
}, { timeout: 240_000 });

after(async () => {
  await people?.closeAll();
  await browser?.close();
  await elevate?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const widths = (page: Page) => page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as Promise<[number, number]>;

/** The seq numbers of the audit rows shown, top to bottom (each row's "When" cell ends with #seq). */
async function shownSeqs(page: Page): Promise<number[]> {
  const cells = await page.getByRole('table', { name: 'Audit entries, newest first' }).locator('tbody td[data-label="When"]').allTextContents();
  return cells.map((t) => Number(/#(\d+)/.exec(t)![1]));
}

/** The newest seq shown changes once a new page has replaced the old one. */
async function nextPage(page: Page, button: string, was: number[]): Promise<number[]> {
  await page.getByRole('navigation', { name: 'Pages of the audit trail' }).getByRole('button', { name: button }).click();
  for (let i = 0; i < 100; i++) {
    const now = await shownSeqs(page).catch(() => []);
    if (now.length > 0 && now[0] !== was[0]) return now;
    await page.waitForTimeout(100);
  }
  throw new Error(`the ${button} page never replaced the one shown`);
}

for (const [label, which] of [['desktop', () => desk], ['390 px', () => phone]] as const) {
  test(`audit paging by cursor at ${label}: newest first, no entry twice, none left out, and back`, async () => {
    const page = which();
    const all = ((await api('GET', '/api/admin/audit?limit=1000', 'admin')).value as Entry[]).map((e) => e.seq).reverse(); // newest first
    assert.ok(all.length > 100 && all.length <= 200, `${all.length} entries: the test expects two pages`);
    await people.go(page, 'admin/audit', 'Audit trail');
    await page.getByRole('table', { name: 'Audit entries, newest first' }).waitFor();
    const pager = page.getByRole('navigation', { name: 'Pages of the audit trail' });
    const first = await shownSeqs(page);
    assert.deepEqual(first, all.slice(0, 100), 'the newest 100, newest first');
    assert.equal(await pager.getByRole('button', { name: 'Newer entries' }).isDisabled(), true, 'nothing is newer than the first page');
    const second = await nextPage(page, 'Older entries', first);
    assert.deepEqual(second, all.slice(100), 'the older page starts right below the first, and holds the rest');
    const seen = [...first, ...second];
    assert.equal(new Set(seen).size, seen.length, 'no entry on two pages');
    assert.deepEqual(seen, all, 'every entry once');
    assert.equal(await pager.getByRole('button', { name: 'Older entries' }).isDisabled(), true, 'the last page has no older one');
    await shot(page, label === 'desktop' ? '46-admin-audit-older' : '46-admin-audit-older-phone');
    assert.deepEqual(await nextPage(page, 'Newer entries', second), first, 'Newer goes back to the first page');
    const [scroll, client] = await widths(page);
    assert.ok(scroll <= client, `${label}: the audit page scrolls sideways (${scroll} > ${client})`);
  });
}

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += c;
  }
  return rows;
}

test('export of the current filter: CSV and JSON downloads hold exactly the entries the filter matches', async () => {
  await people.go(desk, 'admin/audit', 'Audit trail');
  await desk.getByLabel('Action').selectOption('account.updated');
  // The filtered page has replaced the unfiltered one once every row shown is an update.
  for (let i = 0; ; i++) {
    const actions = await desk.getByRole('table', { name: 'Audit entries, newest first' }).locator('tbody th').allTextContents().catch(() => []);
    if (actions.length > 0 && actions.every((a) => a.trim() === 'account.updated')) break;
    assert.ok(i < 100, 'the filter never applied');
    await desk.waitForTimeout(100);
  }
  const want = ((await api('GET', '/api/admin/audit?action=account.updated&limit=1000', 'admin')).value as Entry[]).reverse();
  assert.ok(want.length >= 5, `${want.length} updates`);

  const [csvDownload] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('button', { name: /^Export CSV/ }).click()]);
  assert.equal(csvDownload.suggestedFilename(), 'elevate-audit.csv');
  const [header, ...rows] = parseCsv(readFileSync((await csvDownload.path())!, 'utf8'));
  assert.deepEqual(header, ['seq', 'at', 'actorName', 'actorId', 'actionName', 'targetType', 'targetName', 'targetId', 'requestId']);
  assert.deepEqual(rows.map((r) => Number(r[0])), want.map((e) => e.seq), 'the CSV holds the filtered entries, newest first');
  assert.ok(rows.every((r) => r[4] === 'account.updated' && r[2] === 'admin'), 'every row matches the filter');
  assert.deepEqual(rows.map((r) => r[6]), want.map((e) => e.targetName), 'targets by name');
  // Said to screen readers through the portal's live region.
  await desk.locator('[aria-live="polite"]').filter({ hasText: `Exported ${want.length} audit entries as CSV.` }).waitFor({ state: 'attached' });

  const [jsonDownload] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('button', { name: /^Export JSON/ }).click()]);
  assert.equal(jsonDownload.suggestedFilename(), 'elevate-audit.json');
  const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as Entry[];
  assert.deepEqual(json.map((e) => e.seq), want.map((e) => e.seq));
  assert.ok(json.every((e) => e.actionName === 'account.updated'));
  await shot(desk, '47-admin-audit-export-filtered');
});

for (const [label, which] of [['desktop', () => annDesk], ['390 px', () => annPhone]] as const) {
  test(`after Approve at ${label}, the approver is told what was decided`, async () => {
    const page = which();
    const roles = (await api('GET', '/api/pamresources/pamroles', 'jen')).value as { DisplayName: string; RoleId: string }[];
    const roleId = roles.find((r) => r.DisplayName === 'ApprovalRole')!.RoleId;
    await api('POST', '/api/pamresources/pamrequests', 'jen', new URLSearchParams({ RoleId: roleId, RequestedTTL: '1800', Justification: `needs ann (${label})` }).toString());
    await people.go(page, 'approvals', 'Approvals');
    const card = page.getByRole('list', { name: 'Requests to approve' }).getByRole('listitem').filter({ hasText: `needs ann (${label})` });
    await card.getByRole('button', { name: /^Approve/ }).click();
    await page.locator('p.success[role="status"]').getByText("Approved: jen's request for ApprovalRole.").waitFor();
    await page.getByText('Nothing is waiting for you.').waitFor();
    await shot(page, label === 'desktop' ? '48-approve-confirmation' : '48-approve-confirmation-phone');
    const [scroll, client] = await widths(page);
    assert.ok(scroll <= client, `${label}: the approvals page scrolls sideways`);
    const mine = (await api('GET', '/api/pamresources/pamrequests', 'jen')).value as { Justification: string; RequestStatus: string }[];
    assert.equal(mine.find((r) => r.Justification === `needs ann (${label})`)!.RequestStatus, 'Active');
    // Close it, so the next run (the other width) starts with nothing held.
    await api('POST', '/api/admin/revoke', 'admin', { role: 'ApprovalRole', user: 'jen', reason: 'test done' });
  });
}

test('no page error and no CSP violation', () => {
  assert.deepEqual(people.pageErrors, []);
  assert.deepEqual(people.cspViolations, []);
});
