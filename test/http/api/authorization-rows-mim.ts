/** The authorization matrix's rows for the MIM PAM API. */
import assert from 'node:assert/strict';
import { API } from '../../support/harness.js';
import { assertElement, type WireApproval, type WireRequest, type WireRole } from './helpers.js';
import { type Row, ANY_USER, FORM, BOGUS_ASSERTION, value } from './authorization-matrix.js';

export const MIM_ROWS: Row[] = [
  // The MIM PAM API.
  {
    name: 'GET $metadata',
    call: () => ({ method: 'GET', url: `${API}/$metadata` }),
    expect: ANY_USER(200),
    check: (_w, res) => assert.match(res.body, /EntitySet Name="pamrequeststoapprove"/),
  },
  { name: 'GET %24metadata', call: () => ({ method: 'GET', url: `${API}/%24metadata` }), expect: ANY_USER(200) },
  {
    name: 'GET sessioninfo',
    call: () => ({ method: 'GET', url: `${API}/sessioninfo` }),
    expect: ANY_USER(200),
    check: (who, res) => assert.deepEqual(value(res), [{ Username: `PRIV\\${who}` }]),
  },
  {
    name: 'GET sessioninfo/',
    call: () => ({ method: 'GET', url: `${API}/sessioninfo/` }),
    expect: ANY_USER(200),
    check: (who, res) => assert.deepEqual(value(res), [{ Username: `PRIV\\${who}` }]),
  },
  {
    name: 'GET pamroles (only own)',
    call: () => ({ method: 'GET', url: `${API}/pamroles` }),
    expect: ANY_USER(200),
    check: (who, res) => {
      const names = value<WireRole>(res).map((r) => r.DisplayName).sort();
      const expected = { jen: ['Allow AD Access', 'ApprovalRole', 'Business Hours', 'MFA Role'], ann: ['Allow AD Access'], admin: [] as string[] };
      assert.deepEqual(names, expected[who as 'jen' | 'ann' | 'admin']);
    },
  },
  {
    name: 'GET pamrequests (only own)',
    call: () => ({ method: 'GET', url: `${API}/pamrequests` }),
    expect: ANY_USER(200),
    check: (who, res, f) => {
      const ids = value<WireRequest>(res).map((r) => r.RequestId).sort();
      const expected = { jen: [f.jenActive.RequestId, f.jenPending.RequestId, f.jenMfa.RequestId].sort(), ann: [f.annActive.RequestId], admin: [] as string[] };
      assert.deepEqual(ids, expected[who as 'jen' | 'ann' | 'admin']);
      if (who !== 'admin') assert.ok(value<WireRequest>(res).every((r) => r.CreatorID === f.creatorIds[who as 'jen' | 'ann']));
    },
  },
  {
    name: 'GET pamrequests filtered by someone else’s id',
    call: (f) => ({ method: 'GET', url: `${API}/pamrequests?$filter=${encodeURIComponent(`RequestId eq guid'${f.jenActive.RequestId}'`)}` }),
    expect: ANY_USER(200),
    check: (who, res) => assert.equal(value(res).length, who === 'jen' ? 1 : 0),
  },
  {
    name: 'GET pamrequeststoapprove (only where approver)',
    call: () => ({ method: 'GET', url: `${API}/pamrequeststoapprove` }),
    expect: ANY_USER(200),
    check: (who, res, f) => {
      const ids = value<WireApproval>(res).map((a) => a.ApprovalObjectID.Value);
      assert.deepEqual(ids, who === 'ann' ? [f.approvalId] : []);
    },
  },
  {
    name: 'POST pamrequests for Allow AD Access',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: FORM(f, f.ad) }),
    // Not a candidate: the same 404 as an unknown role, so the role's name does not leak.
    expect: { nobody: 401, jen: 201, ann: 201, admin: 404 },
    check: (_w, res) => assert.equal(assertElement(res).RequestStatus, 'Active'),
  },
  {
    name: 'POST pamrequests for ApprovalRole',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: FORM(f, f.approvalRole) }),
    expect: { nobody: 401, jen: 201, ann: 404, admin: 404 },
    check: (_w, res) => assert.equal(assertElement(res).RequestStatus, 'PendingApproval'),
  },
  {
    name: 'POST pamrequests TTL 0 for Allow AD Access',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests`, payload: { RoleId: f.ad, RequestedTTL: '0' } }),
    // A deactivation is a request of its own, created (201) and Closed at once.
    expect: { nobody: 401, jen: 201, ann: 201, admin: 404 },
    check: (_w, res) => {
      const d = assertElement(res, 201);
      assert.deepEqual([d.RequestStatus, d.RequestedTTL], ['Closed', '0']);
    },
  },
  {
    name: 'POST Close of jen’s active request',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenActive.RequestId}')/Close` }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
  },
  {
    name: 'POST Close of jen’s pending request',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenPending.RequestId}')/Close` }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
  },
  {
    name: 'POST Close of ann’s request',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.annActive.RequestId}')/Close` }),
    expect: { nobody: 401, jen: 404, ann: 200, admin: 404 },
  },
  {
    name: 'POST VerifyMFA with a valid code',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/VerifyMFA`, payload: { Code: f.jenCode } }),
    expect: { nobody: 401, jen: 200, ann: 404, admin: 404 },
    check: (_w, res) => assert.equal(assertElement(res, 200).RequestStatus, 'Active'),
  },
  {
    name: 'POST VerifyMFA with a wrong code',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/VerifyMFA`, payload: { Code: f.jenCode === '000000' ? '111111' : '000000' } }),
    expect: { nobody: 401, jen: 403, ann: 404, admin: 404 },
    refusalRecorded: ['jen'],
  },
  {
    name: 'POST PasskeyOptions for jen’s MFA request (she has no passkey)',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/PasskeyOptions` }),
    expect: { nobody: 401, jen: 409, ann: 404, admin: 404 },
  },
  {
    name: 'POST VerifyPasskey with an assertion nobody asked for',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequests(guid'${f.jenMfa.RequestId}')/VerifyPasskey`, payload: { Passkey: BOGUS_ASSERTION } }),
    expect: { nobody: 401, jen: 403, ann: 404, admin: 404 },
    refusalRecorded: ['jen'],
  },
  {
    name: 'POST PasskeyOptions for an approval (ann has no passkey)',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.approvalId}')/PasskeyOptions` }),
    expect: { nobody: 401, jen: [403, 404], ann: 409, admin: [403, 404] },
  },
  {
    name: 'POST Approve',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.approvalId}')/Approve` }),
    expect: { nobody: 401, jen: [403, 404], ann: 200, admin: [403, 404] },
  },
  {
    name: 'POST Reject',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.approvalId}')/Reject` }),
    expect: { nobody: 401, jen: [403, 404], ann: 200, admin: [403, 404] },
  },
  {
    name: 'POST Approve addressed by the request id',
    call: (f) => ({ method: 'POST', url: `${API}/pamrequeststoapprove(guid'${f.jenPending.RequestId}')/Approve` }),
    expect: { nobody: 401, jen: 404, ann: 404, admin: 404 },
  },
];
