import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  APPROVAL_ACTIONS,
  AUDIT_ACTIONS,
  LEGACY_AUDIT_ACTIONS,
  REQUEST_EVENT_ACTIONS,
  currentActionName,
  isAuditAction,
  storedNamesOf,
} from '../../../src/domain/audit/actions.js';

describe('audit action names', () => {
  test('one spelling: subject.words, lower case, hyphens between words, no duplicates', () => {
    for (const a of AUDIT_ACTIONS) assert.match(a, /^[a-z]+(\.[a-z]+(-[a-z]+)*)+$/, a);
    assert.equal(new Set(AUDIT_ACTIONS).size, AUDIT_ACTIONS.length);
  });

  test('every lifecycle event and approval state has its own listed name', () => {
    const names = [...Object.values(REQUEST_EVENT_ACTIONS), ...Object.values(APPROVAL_ACTIONS)];
    for (const n of names) assert.ok(isAuditAction(n), n);
    assert.equal(new Set(Object.values(REQUEST_EVENT_ACTIONS)).size, Object.keys(REQUEST_EVENT_ACTIONS).length, 'no two events share a name');
    assert.equal(REQUEST_EVENT_ACTIONS.Created, 'request.created', 'the name written since the start is kept');
    assert.equal(REQUEST_EVENT_ACTIONS.Close, 'request.closed');
    assert.equal(REQUEST_EVENT_ACTIONS.GrantConfirmed, 'request.grant-confirmed');
  });

  test('the older spelling of each transition maps to today’s name, and back for filters', () => {
    assert.equal(LEGACY_AUDIT_ACTIONS['request.Close'], 'request.closed');
    assert.equal(LEGACY_AUDIT_ACTIONS['request.MfaPassed'], 'request.mfa-passed');
    assert.equal(Object.keys(LEGACY_AUDIT_ACTIONS).length, Object.keys(REQUEST_EVENT_ACTIONS).length - 1, 'request.created never changed');
    assert.equal(currentActionName('request.ExpiryDue'), 'request.expiry-reached');
    assert.equal(currentActionName('request.closed'), 'request.closed');
    assert.equal(currentActionName('no.such-name'), 'no.such-name');
    assert.deepEqual(storedNamesOf('request.closed'), ['request.closed', 'request.Close']);
    assert.deepEqual(storedNamesOf('request.Close'), ['request.closed', 'request.Close']);
    assert.deepEqual(storedNamesOf('request.created'), ['request.created']);
    assert.deepEqual(storedNamesOf('toString'), ['toString'], 'names are looked up as own keys only');
  });
});
