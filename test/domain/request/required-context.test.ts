import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRequiredContext, compileTicketPattern } from '../../../src/domain/request/required-context.js';
import { domainError, role } from '../fixtures.js';

const TICKETED = role({ justificationRequired: true, justificationMinLength: 10, ticketPattern: '^(INC|CHG)[0-9]{6}$' });

test('a role that needs nothing takes nothing, and keeps a ticket given anyway', () => {
  assert.equal(checkRequiredContext(role(), null, null), null);
  assert.equal(checkRequiredContext(role(), '', ' INC1 '), 'INC1');
});

test('a required justification must be there and long enough; blanks do not count', () => {
  assert.throws(() => checkRequiredContext(TICKETED, null, 'INC000001'), domainError('BadRequest', 'needs a justification'));
  assert.throws(() => checkRequiredContext(TICKETED, '    ', 'INC000001'), domainError('BadRequest', 'needs a justification'));
  assert.throws(() => checkRequiredContext(TICKETED, 'too short', 'INC000001'), domainError('BadRequest', 'at least 10 characters'));
  assert.equal(checkRequiredContext(TICKETED, 'restore the payroll db', 'INC000001'), 'INC000001');
});

test('the ticket must be present and match the pattern, whole', () => {
  const ok = 'restore the payroll db';
  assert.throws(() => checkRequiredContext(TICKETED, ok, null), domainError('BadRequest', 'needs a ticket reference (TicketId)'));
  assert.throws(() => checkRequiredContext(TICKETED, ok, 'INC12345'), domainError('BadRequest', "TicketId 'INC12345' does not match"));
  assert.throws(() => checkRequiredContext(TICKETED, ok, 'XINC000001'), domainError('BadRequest', 'does not match'));
  assert.throws(() => checkRequiredContext(TICKETED, ok, 'INC00\n0001'), domainError('BadRequest', 'printable'));
  assert.equal(checkRequiredContext(TICKETED, ok, ' INC000001\n'), 'INC000001', 'surrounding blanks are trimmed');
  assert.equal(checkRequiredContext(TICKETED, ok, 'CHG123456'), 'CHG123456');
});

test('ticket patterns are checked when written', () => {
  assert.ok(compileTicketPattern('^INC[0-9]+$') instanceof RegExp);
  assert.match(compileTicketPattern('(') as string, /not a regular expression/);
  assert.match(compileTicketPattern('') as string, /1 to 200/);
});
