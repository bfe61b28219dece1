import { type Command, InvalidArgumentError } from 'commander';
import { listGroups } from '../../app/admin/groups.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { type LdapProbeConfig, ldapProbeConfig } from '../../config/ldap-directory.js';
import { loadConfig } from '../../config/load.js';
import type { CheckStep, GroupToCheck } from '../../ports/directory-check.js';
import { CliError, usageError } from '../cli-error.js';
import { emit } from '../output.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';
import { wiring } from '../wiring.js';

interface TestFlags extends AdminOptions {
  url?: string;
  startTls?: boolean;
  caFile?: string;
  bindDn?: string;
  bindPasswordFile?: string;
  bindPasswordEnv?: string;
  userBase?: string;
  userFilter?: string;
  login?: string;
  group?: string[];
  timeout?: number;
}

/** The flags that describe a directory on the command line, by config key. */
const FLAG_OF: Readonly<Record<string, string>> = {
  url: '--url',
  startTls: '--start-tls',
  caFile: '--ca-file',
  bindDn: '--bind-dn',
  bindPasswordFile: '--bind-password-file',
  bindPasswordEnv: '--bind-password-env',
  userBase: '--user-base',
  userFilter: '--user-filter',
  timeoutMs: '--timeout',
};

/** Flags that only make sense with --url, by their commander property. */
const PROBE_ONLY: readonly (readonly [keyof TestFlags, string])[] = [
  ['startTls', '--start-tls'],
  ['caFile', '--ca-file'],
  ['bindDn', '--bind-dn'],
  ['bindPasswordFile', '--bind-password-file'],
  ['bindPasswordEnv', '--bind-password-env'],
  ['userBase', '--user-base'],
  ['userFilter', '--user-filter'],
  ['timeout', '--timeout'],
];

interface DirectoryReport {
  /** The configured name; null for a directory given with --url. */
  readonly name: string | null;
  readonly url: string;
  readonly ok: boolean;
  readonly steps: readonly CheckStep[];
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
const msArg = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 100 || n > 120_000) throw new InvalidArgumentError('expected milliseconds from 100 to 120000');
  return n;
};

/** A directory described by flags, validated by the same schema as the config file's. */
function probeFromFlags(f: TestFlags): LdapProbeConfig {
  const raw: Record<string, unknown> = { url: f.url, bindDn: f.bindDn };
  if (f.startTls) raw.startTls = true;
  if (f.caFile !== undefined) raw.caFile = f.caFile;
  if (f.bindPasswordFile !== undefined) raw.bindPasswordFile = f.bindPasswordFile;
  if (f.bindPasswordEnv !== undefined) raw.bindPasswordEnv = f.bindPasswordEnv;
  if (f.userBase !== undefined) raw.userBase = f.userBase;
  if (f.userFilter !== undefined) raw.userFilter = f.userFilter;
  if (f.timeout !== undefined) raw.timeoutMs = f.timeout;
  const parsed = ldapProbeConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const flag = FLAG_OF[key] ?? key;
      if (i.code === 'invalid_type' && i.input === undefined) return `${flag} is required`;
      // The schema's messages name config keys; on the command line the flags are what the reader typed.
      const message = i.message.replace(/\b(startTls|caFile|bindPasswordFile|bindPasswordEnv)\b(: true)?/g, (_m, k: string) => FLAG_OF[k]!);
      return `${flag}: ${message}`;
    });
    throw usageError(`cannot test this directory:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

function render(reports: readonly DirectoryReport[]): string {
  const width = Math.max(...reports.flatMap((r) => r.steps.map((s) => s.step.length)));
  return reports
    .map((r) => {
      const head = `directory ${r.name ?? '(from the command line)'} at ${r.url}`;
      const lines = r.steps.map((s) => `  ${(s.ok ? 'ok' : 'FAIL').padEnd(4)}  ${s.step.padEnd(width)}  ${s.detail}`);
      const failed = r.steps.filter((s) => !s.ok).length;
      const tail = failed === 0 ? `  all ${r.steps.length} checks passed` : `  ${r.steps.length - failed} passed, ${failed} failed`;
      return [head, ...lines, tail].join('\n');
    })
    .join('\n\n');
}

export function registerDirectoryCommands(program: Command): void {
  const directory = program.command('directory').description('LDAP directories that groups live in');

  adminCommand(
    directory,
    'test [name]',
    'check the connection, TLS, bind and lookups of a configured directory (all of them without a name), ' +
      'or of one given with --url before it is configured; with --data, also the DNs of the groups Elevate keeps ' +
      'in it. Exit status 0 only when every check passes',
  )
    .option('--url <url>', 'try this directory instead of a configured one: ldap://HOST:PORT or ldaps://HOST:PORT')
    .option('--start-tls', 'with --url: upgrade ldap:// with StartTLS')
    .option('--ca-file <file>', "with --url: PEM file of the CA that signed the server's certificate")
    .option('--bind-dn <dn>', 'with --url: the DN to bind as')
    .option('--bind-password-file <file>', 'with --url: file holding the bind password')
    .option('--bind-password-env <var>', 'with --url: environment variable holding the bind password')
    .option('--user-base <dn>', 'with --url: where users are searched')
    .option('--user-filter <filter>', "with --url: filter finding a login's entry, {login} standing for it (default (uid={login}))")
    .option('--timeout <ms>', 'with --url: connect and operation timeout', msArg)
    .option('--login <name>', 'also look this login up with the user filter')
    .option('--group <dn>', 'also check this group DN (repeatable)', collect)
    .action(async (name: string | undefined, f: TestFlags) => {
      // The check talks to the directory itself, which is what this command is for; the root
      // that holds the LDAP adapter is loaded here, so that no other command loads it.
      const { checkDirectory } = await wiring();
      const targets: { name: string | null; config: LdapProbeConfig; groups: GroupToCheck[] }[] = [];
      const probeFlags = PROBE_ONLY.filter(([prop]) => f[prop] !== undefined).map(([, flag]) => flag);

      if (f.url !== undefined) {
        if (name !== undefined) throw usageError(`give a configured directory's name or --url, not both`);
        if (f.data !== undefined) throw usageError('--data reads the groups of a configured directory; it does not go with --url');
        targets.push({ name: null, config: probeFromFlags(f), groups: [] });
      } else {
        if (probeFlags.length > 0) throw usageError(`${probeFlags.join(', ')}: only with --url (a configured directory takes its settings from the config file)`);
        const config = loadConfig({ file: f.config, overrides: { dataDir: f.data } });
        const names = name !== undefined ? [name] : Object.keys(config.directories);
        if (names.length === 0) {
          throw new CliError(
            `no directories are configured${f.config ? ` in ${f.config}` : ''}: add one under 'directories', or try one with --url`,
          );
        }
        for (const n of names) {
          const dir = config.directories[n];
          if (!dir) {
            const known = Object.keys(config.directories);
            throw new CliError(`no directory named '${n}' is configured (${known.length ? `configured: ${known.join(', ')}` : 'none is'})`);
          }
          targets.push({ name: n, config: dir, groups: [] });
        }
        // With --data, the DNs of the groups Elevate has in each directory are checked too.
        if (f.data !== undefined) {
          const groups = await withCore(f, (core) => listGroups(core.deps, LOCAL_OPERATOR));
          for (const t of targets) {
            for (const g of groups) if (g.directory === t.name && g.dn) t.groups.push({ dn: g.dn, memberAttribute: g.memberAttribute, name: g.name });
          }
        }
      }

      const reports: DirectoryReport[] = [];
      for (const t of targets) {
        const steps = await checkDirectory(t.config, { login: f.login, groupDns: f.group, groups: t.groups });
        reports.push({ name: t.name, url: t.config.url, ok: steps.every((s) => s.ok), steps });
      }
      const ok = reports.every((r) => r.ok);
      emit(f, { ok, directories: reports }, () => render(reports));
      if (!ok) {
        const bad = reports.filter((r) => !r.ok).map((r) => r.name ?? r.url);
        throw new CliError(`directory check failed: ${bad.join(', ')}`);
      }
    });
}
