import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyRequest } from 'fastify';
import type { RoleSummary } from '../../../src/domain/role/role.js';
import type { MinuteOfDay } from '../../../src/domain/time.js';
import { collection } from '../../../src/http/odata/envelope.js';
import { roleCollectionJson } from '../../../src/http/odata/role-listing-json.js';
import { roleToWire } from '../../../src/http/odata/wire-shapes.js';
import { role as fixtureRole } from '../../domain/fixtures.js';

/** A role as the listing carries it, from the domain fixtures. */
const role = (id: string, name: string, window: RoleSummary['window'] = null): RoleSummary =>
  fixtureRole({ id, name, window, mfaRequired: name === 'quoted', description: name === 'quoted' ? 'a "quoted" \\ description\n' : null });

/** A real request object, so the metadata URL comes from the same code path as on the wire. */
async function withRequest(host: string, f: (req: FastifyRequest) => void): Promise<void> {
  const app = Fastify();
  app.get('/x', async (req, reply) => {
    f(req);
    return reply.send('ok');
  });
  await app.inject({ method: 'GET', url: '/x', headers: { host } });
  await app.close();
}

test('the listing text is byte for byte what serialising the OData collection gives', async () => {
  const roles = Object.freeze([role('a', 'plain'), role('b', 'quoted', { from: 480 as MinuteOfDay, to: 1020 as MinuteOfDay, timeZone: null })]);
  await withRequest('pam.example.com', (req) => {
    assert.equal(roleCollectionJson(req, roles), JSON.stringify(collection(req, 'pamroles', roles.map(roleToWire))));
    assert.equal(roleCollectionJson(req, []), JSON.stringify(collection(req, 'pamroles', [])));
  });
});

test('a kept listing is serialised per array: another array (another caller, or a refresh) gets its own text', async () => {
  const jen = Object.freeze([role('a', 'jen-role')]);
  const bob = Object.freeze([role('b', 'bob-role')]);
  await withRequest('pam.example.com', (req) => {
    const first = roleCollectionJson(req, jen);
    assert.match(roleCollectionJson(req, bob), /bob-role/);
    assert.doesNotMatch(roleCollectionJson(req, bob), /jen-role/);
    assert.equal(roleCollectionJson(req, jen), first);
  });
  // The metadata URL is per request (the host), never kept with the listing.
  await withRequest('other.example.com', (req) => assert.match(roleCollectionJson(req, jen), /other\.example\.com/));
});

test('an array that can still change (not a kept listing) is never remembered', async () => {
  const roles = [role('a', 'before')];
  await withRequest('pam.example.com', (req) => {
    assert.match(roleCollectionJson(req, roles), /before/);
    roles[0] = role('a', 'after');
    assert.match(roleCollectionJson(req, roles), /after/);
  });
});
