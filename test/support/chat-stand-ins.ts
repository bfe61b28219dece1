import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInCall {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, any>;
}

/**
 * A stand-in for Slack's Web API or a Teams incoming webhook, on loopback: records each call and
 * answers with `answer(call)` (JSON, or a string as it is).
 */
export async function standIn(answer: (c: StandInCall) => unknown): Promise<{ url: string; calls: StandInCall[]; close: () => Promise<void> }> {
  const calls: StandInCall[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let body: Record<string, any> = {};
      try {
        // Slack's read methods (users.info) take form fields; everything else JSON.
        body = String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw);
      } catch {
        res.writeHead(400).end('not JSON');
        return;
      }
      const call = { path: req.url ?? '', headers: req.headers, body };
      calls.push(call);
      const out = answer(call);
      res.writeHead(200, { 'content-type': 'application/json' }).end(typeof out === 'string' ? out : JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}
