/**
 * Email against a real SMTP server on loopback (smtp-server), each mail parsed back (mailparser):
 * both approvers of a two-approver request get theirs, then the requester the decision, each with
 * plain text, HTML and a link to the portal page.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { EmailChannel } from '../../../src/adapters/notify/email-channel.js';
import { callerOf } from '../../../src/app/authenticate.js';
import { createRequestUseCase } from '../../../src/app/create-request.js';
import { decideApprovalUseCase } from '../../../src/app/decide-approval.js';
import { runNotifications } from '../../../src/app/notify/run-notifications.js';
import { type TestCore, makeCore } from '../../support/harness.js';

const cleanup: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** An SMTP server that takes mail only from `user`/`pass`, and parses every message it gets. */
async function smtp(user: string, pass: string): Promise<{ port: number; mails: ParsedMail[]; envelopes: string[][] }> {
  const mails: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true, // loopback only, in a test
    onAuth(auth, _s, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      envelopes.push(session.envelope.rcptTo.map((r) => r.address));
      simpleParser(stream).then((m) => {
        mails.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.server.address() as AddressInfo).port, mails, envelopes };
}

async function core(): Promise<TestCore> {
  const t = await makeCore();
  cleanup.push(() => t.destroy());
  await t.core.deps.store.transaction(async (tx) => {
    const role = (await tx.roles.byName('ApprovalRole'))!;
    const admin = (await tx.accounts.byLogin('admin'))!;
    await tx.roles.update({ ...role, approverIds: [...role.approverIds, admin.id] });
  });
  return t;
}

test('approvers and then the requester get their mail, in text and HTML, with the portal link', async () => {
  const server = await smtp('elevate', 'smtp-pw');
  const t = await core();
  const email = new EmailChannel({ url: `smtp://elevate@127.0.0.1:${server.port}`, password: 'smtp-pw', from: 'Elevate <elevate@corp.example>', requireTls: false });
  cleanup.push(() => email.close());
  const opts = { channels: [email], portalUrl: 'https://elevate.corp.example' };
  const deps = t.core.deps;
  const who = (login: string) => deps.store.read(async (tx) => callerOf((await tx.accounts.byLogin(login))!));
  const roleId = (await deps.store.read((tx) => tx.roles.byName('ApprovalRole')))!.id;
  const { request } = await createRequestUseCase(deps, await who('jen'), { roleId, ttlSeconds: 3600, justification: 'change <42>', requestedAt: null, creationMethod: 'test' });

  assert.equal((await runNotifications(deps, opts)).delivered, 2);
  assert.deepEqual(server.envelopes.flat().sort(), ['admin@priv.example', 'ann@priv.example']);
  const toAnn = server.mails.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]!.address === 'ann@priv.example')!;
  assert.equal(toAnn.subject, 'Jen (jen) asks for ApprovalRole: your approval is needed');
  assert.equal(toAnn.from!.value[0]!.address, 'elevate@corp.example');
  assert.match(toAnn.text!, /Justification: change <42>/);
  assert.match(toAnn.text!, /Review it in Elevate: https:\/\/elevate\.corp\.example\/#\/approvals/);
  assert.match(String(toAnn.html), /<a href="https:\/\/elevate\.corp\.example\/#\/approvals">Review it in Elevate<\/a>/);
  assert.match(String(toAnn.html), /change &#60;42&#62;/, 'what a requester typed is escaped in HTML');
  const eventId = toAnn.headers.get('x-elevate-event-id');
  assert.equal(server.mails.filter((m) => m.headers.get('x-elevate-event-id') === eventId).length, 2, 'one event id for both copies');

  const approval = (await deps.store.read((tx) => tx.requests.byId(request.id)))!.approvalId!;
  await decideApprovalUseCase(deps, t.core.mfa, await who('ann'), approval, 'approve', 'go ahead');
  await runNotifications(deps, opts);
  const toJen = server.mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]!.address === 'jen@priv.example');
  assert.deepEqual(toJen.map((m) => m.subject), ['Your request for ApprovalRole was approved by Ann (ann)', 'Your ApprovalRole access is active until 2026-01-05 11:00:00 UTC']);
  assert.match(toJen[0]!.text!, /Comment: go ahead/);
  assert.match(toJen[0]!.text!, /https:\/\/elevate\.corp\.example\/#\/requests/);
});

test('a wrong SMTP password is a failed delivery the worker retries, and the password is not in the error', async () => {
  const server = await smtp('elevate', 'right-pw');
  const t = await core();
  const email = new EmailChannel({ url: `smtp://elevate@127.0.0.1:${server.port}`, password: 'wrong-pw-5e2a', from: 'elevate@corp.example', requireTls: false });
  cleanup.push(() => email.close());
  const deps = t.core.deps;
  const jen = await deps.store.read(async (tx) => callerOf((await tx.accounts.byLogin('jen'))!));
  const roleId = (await deps.store.read((tx) => tx.roles.byName('Allow AD Access')))!.id;
  await createRequestUseCase(deps, jen, { roleId, ttlSeconds: 300, justification: null, requestedAt: null, creationMethod: 'test' });
  const r = await runNotifications(deps, { channels: [email], portalUrl: 'https://elevate.corp.example' });
  assert.equal(r.failed.length, 1);
  assert.match(r.failed[0]!.error, /Invalid username or password|auth/i);
  assert.ok(!r.failed[0]!.error.includes('wrong-pw-5e2a'));
  assert.equal(server.mails.length, 0);
});
