import { type Command, InvalidArgumentError } from 'commander';
import { readAudit } from '../../app/admin/audit.js';
import { existsSync, readFileSync } from 'node:fs';
import { type AuditTrailReport, verifyAuditTrail } from '../../app/audit/verify-audit-trail.js';
import { type ExportLine, type ExportVerification, verifyExport } from '../../app/audit/verify-export.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { listUsers, showUser } from '../../app/admin/users.js';
// The brief for the CLI names this check; it is pure hashing over entries the store port yields.
import type { StoredAuditEntry } from '../../domain/audit/audit-entry.js';
import type { Core } from '../../app/core.js';
import { CliError } from '../cli-error.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';
import { wiring } from '../wiring.js';

interface AuditFlags extends AdminOptions {
  request?: string;
  actor?: string;
  action?: string;
  since?: number;
  until?: number;
  limit: number;
}

const instantArg = (v: string) => {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError('expected a date and time such as 2025-01-31T08:00:00Z or 2025-01-31');
  return t;
};
const limitArg = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('expected a whole number from 1 to 100000');
  return n;
};

async function actorId(core: Core, login: string): Promise<string> {
  if (login === LOCAL_OPERATOR.login) return LOCAL_OPERATOR.accountId;
  return (await showUser(core.deps, LOCAL_OPERATOR, login)).id;
}

/** What an entry is about, by name when the recorded state carries one. */
function target(e: StoredAuditEntry): string {
  const named = (x: unknown) => {
    const o = x as { name?: unknown; login?: unknown } | null;
    return typeof o?.name === 'string' ? o.name : typeof o?.login === 'string' ? o.login : undefined;
  };
  return `${e.targetType} ${named(e.after) ?? named(e.before) ?? e.targetId}`;
}

export function registerAuditCommands(program: Command): void {
  const audit = adminCommand(program, 'audit', 'show the audit trail, oldest first (the newest --limit entries)', { initFlag: false })
    .option('--request <id>', 'entries about one request')
    .option('--actor <login>', "entries caused by one user ('local-operator' for this CLI)")
    .option('--action <action>', 'one action, e.g. request.created or role.updated')
    .option('--since <time>', 'entries at or after this time (ISO 8601)', instantArg)
    .option('--until <time>', 'entries before this time (ISO 8601)', instantArg)
    .option('--limit <n>', 'at most this many entries', limitArg, 100)
    .action(async (f: AuditFlags) => {
      const { entries, logins } = await withCore(f, async (core) => {
        const entries = await readAudit(core.deps, LOCAL_OPERATOR, {
          requestId: f.request,
          actorId: f.actor === undefined ? undefined : await actorId(core, f.actor),
          action: f.action,
          since: f.since,
          until: f.until,
          limit: f.limit,
        });
        const logins = new Map((await listUsers(core.deps, LOCAL_OPERATOR)).map((a) => [a.id, a.login]));
        return { entries, logins };
      });
      logins.set(LOCAL_OPERATOR.accountId, LOCAL_OPERATOR.login);
      const actor = (id: string | null) => (id === null ? 'system' : (logins.get(id) ?? id));
      emit(
        f,
        entries.map((e) => ({ ...e, at: new Date(e.at).toISOString(), actor: actor(e.actorId) })),
        () =>
          entries.length === 0
            ? 'no audit entries match'
            : formatTable(
                ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'TARGET', 'REQUEST'],
                entries.map((e) => [String(e.seq), formatLocalTime(e.at), actor(e.actorId), e.action, target(e), e.requestId ?? '-']),
              ),
      );
    });

  adminCommand(audit, 'verify', 'recompute the hash chain and check it against the newest signed checkpoints; fails when any entry was changed, inserted or removed', { initFlag: false })
    .option('--checkpoint <file>', 'checkpoint file (JSON lines) to check against, e.g. the copy shipped off this host (repeatable; default: audit.checkpointFile)', collect)
    .option('--public-key <file>', 'public key the checkpoints are signed with (repeatable; default: the public half of audit.signingKeyFile)', collect)
    .action(async (_: unknown, cmd: Command) => {
      // `audit` declares the same options, so they may have been parsed there; merge both levels.
      const f = cmd.optsWithGlobals<AdminOptions & { checkpoint?: string[]; publicKey?: string[] }>();
      const config = loadConfig({ file: f.config, overrides: { dataDir: f.data, database: f.database } });
      const inputs = await verifyInputs(config, f);
      // Verifying only reads: it never signs, so a failed check cannot be followed by a checkpoint.
      const r = await withCore(f, (core) => verifyAuditTrail(core.deps, LOCAL_OPERATOR, inputs), { checkpoint: false });
      // An empty trail proves nothing: a store that ever served has entries, so this is the wrong one.
      if (r.checked === 0 && r.intact) throw new CliError('the audit trail is empty: there is nothing to verify (check --data / --database)');
      const notes = [...inputs.notes, ...(r.notice ? [r.notice] : [])].map((n) => `note: ${n}`);
      emit(f, r, () => (r.intact ? intactText(r) : ''));
      // The problems first: they are why the command fails; notes only qualify the result.
      if (!r.intact) throw new CliError([...r.problems, ...notes].join('\nelevate: '));
      for (const n of notes) process.stderr.write(`elevate: ${n}\n`);
    });

  audit
    .command('verify-export')
    .description('check a JSON-lines audit export offline: every hash, the order (no record removed), every checkpoint signature; give rotated files oldest first (FILE.3 FILE.2 FILE.1 FILE)')
    .argument('<files...>', 'export files, oldest first')
    .option('--public-key <file>', 'public key the checkpoints are signed with (repeatable; default: the public half of audit.signingKeyFile)', collect)
    .option('--checkpoint <file>', "a checkpoint file kept elsewhere (the server's audit.checkpointFile): an export that ends before its newest checkpoint was cut (repeatable)", collect)
    .option('--anchored', 'fail unless the newest entry is covered by a signed checkpoint (an export taken after the server stopped always is)')
    .option('--config <file>', 'configuration file (for audit.signingKeyFile)')
    .option('--json', 'print machine-readable JSON')
    .action(async (files: string[], _: unknown, cmd: Command) => {
      // `audit` declares --config and --json too, so they may have been parsed there; merge both levels.
      const f = cmd.optsWithGlobals<{ publicKey?: string[]; checkpoint?: string[]; anchored?: boolean; config?: string; json?: boolean }>();
      const inputs = await verifyInputs(loadConfig({ file: f.config }), f);
      const given = new Set(f.checkpoint ?? []);
      const torn: string[] = [];
      for (const file of files) if (!existsSync(file)) throw new CliError(`cannot read the export file ${file}: it does not exist`);
      const r = verifyExport(exportLines(files, torn), inputs.verifier, inputs.sources.filter((s) => given.has(s.where)));
      const problems = [...r.problems];
      if (f.anchored && r.unanchored > 0) problems.push(`the newest ${r.unanchored} entries are not covered by a signed checkpoint: the export may have been cut after its last checkpoint`);
      const notes = [...r.notes, ...torn.map((w) => `${w}: an unfinished last line (a write cut short by a crash; it is sent again whole) was skipped`)];
      emit(f, { ...r, intact: problems.length === 0, problems }, () => (problems.length === 0 ? exportIntactText(r) : ''));
      if (problems.length > 0) throw new CliError([...problems, ...notes.map((n) => `note: ${n}`)].join('\nelevate: '));
      for (const n of notes) process.stderr.write(`elevate: note: ${n}\n`);
    });
  audit
    .command('keygen')
    .description('make an Ed25519 key pair for audit checkpoints: the private key in FILE (mode 0600, for audit.signingKeyFile), the public key in FILE.pub')
    .requiredOption('--out <file>', 'where to write the private key; never overwritten')
    .option('--json', 'print machine-readable JSON')
    .action(async (f: { out: string; json?: boolean }) => {
      const { generateAuditSigningKey } = await wiring();
      let k: ReturnType<typeof generateAuditSigningKey>;
      try {
        k = generateAuditSigningKey(f.out);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      emit(f, k, () => `audit signing key ${k.keyId} written to ${k.privateKeyFile} (keep it off the database host's backups); public key in ${k.publicKeyFile}`);
    });
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** The keys and checkpoint files a verification checks against (the given ones, else the configured). */
async function verifyInputs(config: Config, f: { checkpoint?: string[]; publicKey?: string[] }) {
  const { auditVerifyInputs } = await wiring();
  try {
    return auditVerifyInputs(config, { checkpointFiles: f.checkpoint ?? [], publicKeyFiles: f.publicKey ?? [] });
  } catch (e) {
    // An unreadable key or checkpoint file: the trail cannot be vouched for, said in one line.
    throw new CliError((e as Error).message);
  }
}

/**
 * The lines of the export files in the order given, one file in memory at a time. A last line
 * without its newline, in the last file only, is an append a crash cut short: skipped, and named in `torn`.
 */
function* exportLines(files: readonly string[], torn: string[]): Generator<ExportLine> {
  for (const [i, file] of files.entries()) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the export file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const lines = text.split('\n');
    const last = lines.pop()!;
    if (last !== '') {
      if (i === files.length - 1) torn.push(`${file}:${lines.length + 1}`);
      else lines.push(last);
    }
    for (const [n, line] of lines.entries()) yield { where: `${file}:${n + 1}`, text: line };
  }
}

function exportIntactText(r: ExportVerification): string {
  const n = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  const lines = [`audit export intact: ${n(r.entries)} verified, seq ${r.firstSeq} to ${r.lastSeq}${r.duplicates > 0 ? ` (${r.duplicates} sent twice, identical: at-least-once delivery)` : ''}`];
  if (r.checkpoint) lines.push(`agrees with the checkpoint for seq ${r.checkpoint.seq} signed at ${new Date(r.checkpoint.at).toISOString()} by key ${r.checkpoint.keyId}`);
  if (r.unanchored > 0) lines.push(`the newest ${n(r.unanchored)} are not yet covered by a checkpoint: a cut there shows only against a newer checkpoint (--checkpoint)`);
  return lines.join('\n');
}

function intactText(r: AuditTrailReport): string {
  const n = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  const lines = [`audit chain intact: ${n(r.checked)} verified`];
  if (r.checkpoint) {
    lines.push(`agrees with the checkpoint for seq ${r.checkpoint.seq} signed at ${new Date(r.checkpoint.at).toISOString()} by key ${r.checkpoint.keyId} (${r.checkpoint.where})`);
    if (r.unanchored > 0) lines.push(`the newest ${n(r.unanchored)} came after it and are protected by the chain only until the next checkpoint`);
  }
  return lines.join('\n');
}
