/**
 * POSTs JSON and returns the answer; never follows a redirect (the endpoints are fixed and a
 * redirect could carry a token elsewhere). Anything but a 2xx throws, naming the status only: the
 * URL of a Teams webhook is itself a secret.
 */
export async function postJson(url: string, body: unknown, signal: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body), redirect: 'manual', signal });
  if (res.status < 200 || res.status >= 300) {
    await res.body?.cancel();
    throw new Error(`answered HTTP ${res.status}`);
  }
  return res;
}
