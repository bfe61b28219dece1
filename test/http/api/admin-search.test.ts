// The search behind the portal's people and group pickers: GET /api/admin/users?search= and
// /api/admin/groups?search= match part of a login, name, email, description or DN, ignoring case;
// bad searches are 400s in the OData error shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appPerTest, basic } from '../../support/harness.js';
import { assertODataError } from './helpers.js';

const names = async (t: ReturnType<ReturnType<typeof appPerTest>>, url: string, key: 'login' | 'name'): Promise<string[]> => {
  const res = await t.app.inject({ method: 'GET', url, headers: basic('admin') });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { value: Record<string, string>[] }).value.map((x) => x[key]!).sort();
};

describe('searching users and groups for the pickers', () => {
  const t = appPerTest();

  test('users match by part of the login, display name or email, in any case', async () => {
    assert.deepEqual(await names(t(), '/api/admin/users?search=JE', 'login'), ['jen']);
    assert.deepEqual(await names(t(), '/api/admin/users?search=administr', 'login'), ['admin']);
    assert.deepEqual(await names(t(), `/api/admin/users?search=${encodeURIComponent('ann@priv')}`, 'login'), ['ann']);
    assert.deepEqual(await names(t(), '/api/admin/users?search=zzz', 'login'), []);
    // Blank is no search: everyone, as without the parameter.
    assert.deepEqual(await names(t(), '/api/admin/users?search=%20', 'login'), await names(t(), '/api/admin/users', 'login'));
  });

  test('groups match by part of the name or description', async () => {
    assert.deepEqual(await names(t(), '/api/admin/groups?search=corp', 'name'), ['CORP Domain Admins']);
    assert.deepEqual(await names(t(), '/api/admin/groups?search=granted%20by%20mfa', 'name'), ['MFA Protected Share']);
  });

  test('a search too long or given twice is a 400 in the OData shape', async () => {
    for (const url of [`/api/admin/users?search=${'a'.repeat(101)}`, '/api/admin/users?search=a&search=b', `/api/admin/groups?search=${'a'.repeat(101)}`, '/api/admin/groups?search=a&search=b']) {
      const res = await t().app.inject({ method: 'GET', url, headers: basic('admin') });
      assert.equal(assertODataError(res, 400, url).code, 'BadRequest');
    }
  });

  test('nobody but an administrator may search', async () => {
    for (const url of ['/api/admin/users?search=a', '/api/admin/groups?search=a']) {
      assert.equal((await t().app.inject({ method: 'GET', url, headers: basic('jen') })).statusCode, 403);
    }
  });
});
