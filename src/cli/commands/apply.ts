import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { type ApplyReport, type Declaration, applyDeclaration } from '../../app/admin/apply.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import type { UserSpec } from '../../app/admin/users.js';
import { isDomainError } from '../../domain/errors.js';
import { CliError } from '../cli-error.js';
import { type ParsedDeclaration, type UserEntry, parseDeclaration } from '../declaration-schema.js';
import { emit } from '../output.js';
import { readPasswordFile } from '../password-input.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

interface ApplyFlags extends AdminOptions {
  file: string;
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

/** Password files sit next to the declaration, so it can be kept in one folder and moved as one. */
function userSpec({ passwordFile, ...u }: UserEntry, base: string, where: string): UserSpec {
  if (passwordFile === undefined) return u;
  try {
    return { ...u, password: readPasswordFile(resolve(base, passwordFile)) };
  } catch (e) {
    throw new CliError(`${where}.passwordFile: ${(e as Error).message}`);
  }
}

/**
 * Applies one entry at a time so a refusal (a role naming an unknown group) can say which entry
 * it was about. Entries before it stay applied; running the fixed file again finishes the job.
 */
async function applyAll(decl: ParsedDeclaration, file: string, run: (d: Declaration) => Promise<ApplyReport>): Promise<ApplyReport> {
  const total: ApplyReport = { created: [], updated: [], unchanged: [] };
  const base = dirname(resolve(file));
  const steps: [string, () => Declaration][] = [
    ...(decl.users ?? []).map((u, i): [string, () => Declaration] => [`users[${i}]`, () => ({ users: [userSpec(u, base, `users[${i}]`)] })]),
    ...(decl.groups ?? []).map((g, i): [string, () => Declaration] => [`groups[${i}]`, () => ({ groups: [g] })]),
    ...(decl.roles ?? []).map((r, i): [string, () => Declaration] => [`roles[${i}]`, () => ({ roles: [r] })]),
  ];
  for (const [where, step] of steps) {
    let r: ApplyReport;
    try {
      r = await run(step());
    } catch (e) {
      if (isDomainError(e)) throw new CliError(`${file}: ${where}: ${e.message}`);
      throw e;
    }
    total.created.push(...r.created);
    total.updated.push(...r.updated);
    total.unchanged.push(...r.unchanged);
  }
  return total;
}

function summary(r: ApplyReport): string {
  const lines = [
    ...r.created.map((x) => `created    ${x}`),
    ...r.updated.map((x) => `updated    ${x}`),
    ...r.unchanged.map((x) => `unchanged  ${x}`),
  ];
  lines.push(`${r.created.length} created, ${r.updated.length} updated, ${r.unchanged.length} unchanged`);
  return lines.join('\n');
}

export function registerApplyCommand(program: Command): void {
  adminCommand(program, 'apply', 'create or update the users, groups and roles a YAML or JSON file declares; never deletes')
    .requiredOption('-f, --file <file>', 'the declaration file')
    .action(async (f: ApplyFlags) => {
      const decl = readDeclaration(f.file);
      const report = await withCore(f, (core) => applyAll(decl, f.file, (d) => applyDeclaration(core.deps, core.hasher, LOCAL_OPERATOR, d)));
      emit(f, report, () => summary(report));
    });
}
