import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../src/cli/cli-error.js';
import { formatPath, parseDeclaration } from '../../src/cli/declaration-schema.js';

const messageOf = (doc: unknown): string => {
  try {
    parseDeclaration(doc, 'f.yaml');
  } catch (e) {
    assert.ok(e instanceof CliError);
    assert.equal(e.exitCode, 1);
    return e.message;
  }
  assert.fail('expected the declaration to be refused');
};

test('aliases and shorthands become the specs the use cases take', () => {
  const d = parseDeclaration(
    {
      roles: [
        { name: 'A', ttl: '2h', window: '8:00-18:00', timeZone: 'Europe/Paris' },
        { name: 'B', ttlSeconds: 60, window: { from: '22:00', to: '06:00' } },
        { name: 'C', ttl: 60, ttlSeconds: 60, window: null },
      ],
    },
    'f.yaml',
  );
  assert.deepEqual(d.roles, [
    { name: 'A', ttlSeconds: 7200, window: { from: '08:00', to: '18:00', timeZone: 'Europe/Paris' } },
    { name: 'B', ttlSeconds: 60, window: { from: '22:00', to: '06:00', timeZone: undefined } },
    { name: 'C', ttlSeconds: 60, window: null },
  ]);
  assert.deepEqual(parseDeclaration(null, 'empty.yaml'), {}, 'an empty file declares nothing');
});

test('each bad field is named by its path', () => {
  assert.match(messageOf({ user: [] }), /^ {2}user: unknown field$/m);
  assert.match(messageOf({ users: [{ login: 'a', password: 'x', passwordFile: 'p' }] }), /users\[0\]\.passwordFile: give either password or passwordFile/);
  assert.match(messageOf({ users: [{ login: 7 }] }), /users\[0\]\.login: /);
  assert.match(messageOf({ groups: [{ name: 'g', owners: [] }] }), /groups\[0\]\.owners: unknown field/);
  assert.match(messageOf({ groups: [{ name: 'g', members: 'jen' }] }), /groups\[0\]\.members: /);
  assert.match(messageOf({ roles: [{ name: 'r', ttl: 60, candidateGroups: 'DBAs' }] }), /roles\[0\]\.candidateGroups: /);
  assert.match(messageOf({ roles: [{ name: 'r', ttl: 60, ttlSeconds: 61 }] }), /roles\[0\]\.ttl: .*disagree/);
  assert.match(messageOf({ roles: [{ name: 'r', ttl: 60, timeZone: 'UTC' }] }), /roles\[0\]\.timeZone: a time zone needs a window/);
  assert.match(messageOf({ roles: [{ name: 'r', ttl: 60, candidates: 'jen' }] }), /roles\[0\]\.candidates: /);
  assert.match(messageOf([]), /\(top level\)/);
  assert.equal(formatPath(['roles', 1, 'window', 'from']), 'roles[1].window.from');
});

test('a role declares approver step-up with approverMfaRequired', () => {
  const d = parseDeclaration({ roles: [{ name: 'Vault', ttl: 600, approvalRequired: true, approverMfaRequired: true, approvers: ['ann'] }] }, 'f.yaml');
  assert.equal(d.roles?.[0]?.approverMfaRequired, true);
  assert.match(messageOf({ roles: [{ name: 'V', ttl: 60, approverMfaRequired: 'yes' }] }), /approverMfaRequired/);
});
