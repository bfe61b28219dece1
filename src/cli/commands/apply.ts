import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { Declaration } from '../../app/admin/apply.js';
import { type PolicyResult, applyPolicy, exportPolicy, planPolicy } from '../../app/admin/policy.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import type { UserSpec } from '../../app/admin/users.js';
import { CliError } from '../cli-error.js';
import { type ConfirmOptions, YES_FLAG, confirmChange } from '../confirm.js';
import { type ParsedDeclaration, type UserEntry, parseDeclaration } from '../declaration-schema.js';
import { emit } from '../output.js';
import { readPasswordFile } from '../password-input.js';
import { planText } from '../plan-text.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

interface ApplyFlags extends AdminOptions, ConfirmOptions {
  file: string;
  dryRun?: boolean;
  prune?: boolean;
  force?: boolean;
}

function readDeclaration(file: string): ParsedDeclaration {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON, so one parser reads both
  } catch (e) {
    throw new CliError(`${file} is not valid YAML or JSON: ${(e as Error).message.trimEnd()}`);
  }
  return parseDeclaration(doc, file);
}

/**
 * Password files sit next to the declaration, so it can be kept in one folder and moved as one.
 * Every unreadable one is listed, like every other problem, before anything is tried.
 */
function withPasswords(decl: ParsedDeclaration, file: string): Declaration {
  const base = dirname(resolve(file));
  const problems: string[] = [];
  const user = ({ passwordFile, ...u }: UserEntry, i: number): UserSpec => {
    if (passwordFile === undefined) return u;
    try {
      return { ...u, password: readPasswordFile(resolve(base, passwordFile)) };
    } catch (e) {
      problems.push(`  users[${i}].passwordFile: ${(e as Error).message}`);
      return u;
    }
  };
  const users = (decl.users ?? []).map(user);
  if (problems.length > 0) throw new CliError(`${file}: nothing was changed:\n${problems.join('\n')}`);
  return { ...decl, users };
}

const SUMMARY_KEYS = { create: 'created', change: 'updated', delete: 'deleted' } as const;

/** The plan, and for scripts written before plans the names by outcome (`created: ['user jen']`). */
function report(r: PolicyResult, decl: Declaration) {
  const out = { applied: r.applied, steps: r.steps, created: [] as string[], updated: [] as string[], deleted: [] as string[], unchanged: [] as string[] };
  for (const s of r.steps) out[SUMMARY_KEYS[s.action]].push(`${s.kind} ${s.name}`);
  const touched = new Set(r.steps.map((s) => `${s.kind} ${s.name}`));
  const declared = [...(decl.users ?? []).map((u) => `user ${u.login}`), ...(decl.groups ?? []).map((g) => `group ${g.name}`), ...(decl.roles ?? []).map((x) => `role ${x.name}`)];
  out.unchanged = declared.filter((d) => !touched.has(d));
  return out;
}

export function registerApplyCommand(program: Command): void {
  adminCommand(program, 'apply', 'make users, groups and roles what a YAML or JSON file declares, all or nothing')
    .requiredOption('-f, --file <file>', 'the declaration file')
    .option('--dry-run', 'print the plan (create / change / delete, field by field) and change nothing')
    .option('--prune', 'also remove the users, groups and roles the file does not declare')
    .option(...YES_FLAG)
    .option('--force', 'with --prune: disable users who hold or wait for access (ending it) instead of refusing')
    .action(async (f: ApplyFlags) => {
      const decl = withPasswords(readDeclaration(f.file), f.file);
      const opts = { prune: f.prune === true, force: f.force === true };
      const r = await withCore(f, async (core) => {
        if (f.dryRun) return planPolicy(core.deps, core.hasher, LOCAL_OPERATOR, decl, opts);
        if (opts.prune) {
          const plan = await planPolicy(core.deps, core.hasher, LOCAL_OPERATOR, decl, opts);
          const deletes = plan.steps.filter((s) => s.action === 'delete').length;
          if (deletes > 0) await confirmChange(f, `apply a plan that deletes ${deletes} item(s)`, `This will apply the plan:\n${planText(plan.steps, false)}`);
        }
        return applyPolicy(core.deps, core.hasher, LOCAL_OPERATOR, decl, opts);
      });
      emit(f, report(r, decl), () => planText(r.steps, r.applied));
    });

  adminCommand(program, 'export', 'write the current users, groups and roles as an apply file (no passwords)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (f: AdminOptions & { output?: string }) => {
      const doc = await withCore(f, (core) => exportPolicy(core.deps, LOCAL_OPERATOR), { checkpoint: false });
      const text = f.json ? `${JSON.stringify(doc, null, 2)}\n` : `# elevate export: apply with \`elevate apply -f FILE --dry-run\` to review\n${toYaml(doc)}`;
      if (f.output === undefined) process.stdout.write(text);
      else writeFileSync(f.output, text, { mode: 0o600 });
    });
}
