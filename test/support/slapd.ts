import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';

const run = promisify(execFile);

/**
 * scripts/slapd-throwaway.sh, found upward from where this file runs: dist/test/support/ for the
 * tests, bench/.build/test/support/ for bench/expiry-ldap.ts.
 */
const SCRIPT = scriptUpward('scripts/slapd-throwaway.sh');

function scriptUpward(path: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, path))) return join(dir, path);
    if (dirname(dir) === dir) throw new Error(`${path} not found above ${fileURLToPath(import.meta.url)}`);
  }
}
const SLAPD = '/usr/sbin/slapd';

/** A fresh OpenLDAP on loopback in a temp dir, seeded with alice, bob, carol, cn=admins and cn=developers. */
export interface Slapd {
  readonly url: string;
  /** With `tls: true`: ldaps:// on a second port, StartTLS on `url`, and the self-signed CA. */
  readonly ldapsUrl?: string;
  readonly caFile?: string;
  readonly baseDn: string;
  readonly bindDn: string;
  readonly bindPassword: string;
  /** The bind password in a file, as Elevate's configuration takes it. */
  readonly bindPasswordFile: string;
  readonly people: string;
  readonly groups: string;
  readonly pid: number;
  readonly dir: string;
  /** With `auditlog: true`: every successful write, as LDIF records. */
  readonly auditLogFile: string;
  /** Stops slapd and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts slapd for one test file (call it in `before`, and `stop()` in `after`). A missing slapd
 * fails the run: the LDAP tests never skip.
 */
export async function startSlapd(opts: { tls?: boolean; auditlog?: boolean } = {}): Promise<Slapd> {
  if (!existsSync(SLAPD)) {
    throw new Error(`${SLAPD} is not installed: run apt-get install -y slapd ldap-utils (scripts/ci.sh does it)`);
  }
  const env = { ...process.env, SLAPD_TLS: opts.tls ? '1' : '0', SLAPD_AUDITLOG: opts.auditlog ? '1' : '0' };
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [SCRIPT, 'start'], { env, timeout: 60_000 }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`slapd-throwaway.sh start failed: ${err.stderr?.trim() || err.message}`);
  }
  const vars = new Map<string, string>();
  for (const m of stdout.matchAll(/(\w+)=(?:'([^']*)'|(\S+))/g)) vars.set(m[1]!, m[2] ?? m[3]!);
  const need = (k: string) => {
    const v = vars.get(k);
    if (v === undefined) throw new Error(`slapd-throwaway.sh printed no ${k}:\n${stdout}`);
    return v;
  };
  const dir = need('SLAPD_TMP');
  const pid = Number(need('SLAPD_PID'));
  // If the test process dies before its after hook, the server must not outlive it.
  const onExit = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone: nothing to stop
    }
  };
  process.once('exit', onExit);
  const secrets = mkdtempSync(join(tmpdir(), 'elevate-ldap-secret-'));
  const bindPassword = need('LDAP_BIND_PW');
  const bindPasswordFile = join(secrets, 'bind-password');
  writeFileSync(bindPasswordFile, `${bindPassword}\n`, { mode: 0o600 });
  const baseDn = need('LDAP_BASE_DN');
  let stopped = false;
  return {
    url: need('LDAP_URL'),
    ...(opts.tls ? { ldapsUrl: need('LDAPS_URL'), caFile: need('LDAP_CA_FILE') } : {}),
    baseDn,
    bindDn: need('LDAP_BIND_DN'),
    bindPassword,
    bindPasswordFile,
    people: `ou=people,${baseDn}`,
    groups: `ou=groups,${baseDn}`,
    pid,
    dir,
    auditLogFile: join(dir, 'audit.ldif'),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      rmSync(secrets, { recursive: true, force: true });
      await run('bash', [SCRIPT, 'stop', dir], { timeout: 30_000 });
    },
  };
}

/** Runs `fn` with a client bound as the rootdn (which bypasses ACLs): for arranging and inspecting. */
export async function asAdmin<T>(slapd: Slapd, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ url: slapd.url, timeout: 5000, connectTimeout: 5000 });
  try {
    await c.bind(slapd.bindDn, slapd.bindPassword);
    return await fn(c);
  } finally {
    await c.unbind();
  }
}

/** The values of `attribute` on `dn`, sorted, as the server has them now. */
export function valuesOn(slapd: Slapd, dn: string, attribute: string): Promise<string[]> {
  return asAdmin(slapd, async (c) => {
    const { searchEntries } = await c.search(dn, { scope: 'base', attributes: [attribute] });
    return [searchEntries[0]?.[attribute] ?? []].flat().map(String).sort();
  });
}

/** Replaces every value of `attribute` on `dn`: resets a group between tests. */
export function setValues(slapd: Slapd, dn: string, attribute: string, values: string[]): Promise<void> {
  return asAdmin(slapd, (c) => c.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values }) })));
}

/** The `directories:` section of an Elevate config naming this slapd `corp`, as YAML lines. */
export function corpDirectoryYaml(slapd: Slapd): string[] {
  return [
    'directories:',
    '  corp:',
    `    url: ${slapd.url}`,
    `    bindDn: "${slapd.bindDn}"`,
    `    bindPasswordFile: ${slapd.bindPasswordFile}`,
    `    userBase: "${slapd.people}"`,
    '    timeoutMs: 3000',
  ];
}
