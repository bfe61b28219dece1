import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

export interface Rsyslog {
  readonly port: number;
  /** With TLS: the receiver's self-signed certificate (PEM), which is also its CA. */
  readonly cert: string | null;
  /** The lines rsyslog wrote so far: `<pri> <msgid> <structured data> <msg>` per message. */
  lines(): string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`rsyslogd did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A throwaway rsyslogd (Debian's) on loopback: imtcp, octet-counted framing, plain TCP or TLS
 * through the gtls driver (rsyslog-gnutls) with a certificate made here by openssl, writing every
 * message to a file. Runs in the foreground (-n) with its own config and pid file; stopped by PID.
 */
export async function startRsyslog(opts: { tls?: boolean } = {}): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'elevate-rsyslog-'));
  const port = await freePort();
  const out = join(dir, 'messages.log');
  let global = `global(workDirectory="${dir}" maxMessageSize="64k"`;
  let imtcp = 'module(load="imtcp")';
  if (opts.tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    global += ` defaultNetstreamDriverCAFile="${dir}/cert.pem" defaultNetstreamDriverCertFile="${dir}/cert.pem" defaultNetstreamDriverKeyFile="${dir}/key.pem"`;
    imtcp = 'module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")';
  }
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `${global})
${imtcp}
input(type="imtcp" port="${port}" address="127.0.0.1")
template(name="seen" type="string" string="%pri% %msgid% %structured-data% %msg%\\n")
action(type="omfile" file="${out}" template="seen" flushOnTXEnd="on" asyncWriting="off")
`,
  );
  const pidFile = join(dir, 'rsyslogd.pid');
  const child = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    await waitForPort(port, 15_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  return {
    port,
    cert: opts.tls ? readFileSync(join(dir, 'cert.pem'), 'utf8') : null,
    lines: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
