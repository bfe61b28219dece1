import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** scripts/krb5-kdc-throwaway.sh, from dist/test/support/ where this file runs. */
const SCRIPT = fileURLToPath(new URL('../../../scripts/krb5-kdc-throwaway.sh', import.meta.url));

/** A throwaway MIT KDC on loopback: realm ELEVATE.TEST, users jen, ann, alice (password NAME-pw), service HTTP/localhost. */
export interface Kdc {
  readonly realm: string;
  /** The keytab with HTTP/localhost's keys (a plain path). */
  readonly keytab: string;
  readonly dir: string;
  /** A ccache holding `user`'s ticket-granting ticket, from `kinit`. */
  kinit(user: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the KDC for one test file and points this process's MIT Kerberos at it (KRB5_CONFIG and
 * the replay cache's directory are read from the environment). A missing KDC fails, never skips.
 */
export async function startKdc(): Promise<Kdc> {
  if (!existsSync('/usr/sbin/krb5kdc')) {
    throw new Error('MIT Kerberos is not installed: apt-get install krb5-kdc krb5-admin-server krb5-user (scripts/ci.sh does)');
  }
  const { stdout } = await run('bash', [SCRIPT, 'start'], { encoding: 'utf8', timeout: 60_000 });
  const env: Record<string, string> = {};
  for (const [, k, v] of stdout.matchAll(/(\w+)='?([^' \n]*)'?/g)) if (k !== 'export') env[k!] = v!;
  for (const k of ['KRB5_CONFIG', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR']) process.env[k] = env[k];
  const dir = env.KRB5_TMP!;
  let stopped = false;
  return {
    realm: env.KRB5_REALM!,
    keytab: env.KRB5_KTNAME!.replace(/^FILE:/, ''),
    dir,
    async kinit(user) {
      const cc = `FILE:${join(dir, `cc-${user}`)}`;
      const child = execFile('kinit', [user], { env: { ...process.env, KRB5CCNAME: cc } });
      child.stdin!.end(`${user}-pw\n`);
      await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kinit ${user} exited ${code}`)))));
      return cc;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('bash', [SCRIPT, 'stop', dir]);
    },
  };
}
