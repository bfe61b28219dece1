import assert from 'node:assert/strict';

/**
 * One JSON call to a running Elevate with `login`'s demo password (demo accounts' password is their
 * login), asserting a 2xx: browser tests set up their stand through the API this way.
 */
export async function apiCall(base: string, method: string, url: string, body?: unknown, login = 'admin'): Promise<any> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${login}:${login}`).toString('base64')}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
