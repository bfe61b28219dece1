import { type Command, InvalidArgumentError } from 'commander';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import type { NameKind } from '../../app/admin/known-names.js';
import { type RoleSpec, type RoleView, checkRoleRemovable, listRoles, removeRole, showRole, upsertRole } from '../../app/admin/roles.js';
import type { Core } from '../../app/core.js';
import type { AvailabilityWindow } from '../../domain/role/role.js';
import { CliError, usageError } from '../cli-error.js';
import { type ConfirmOptions, YES_FLAG, confirmChange } from '../confirm.js';
import { formatDuration } from '../format-time.js';
import { emit, formatFields, yesNo } from '../output.js';
import { parseDuration } from '../parse-duration.js';
import { resolveName, resolveNames } from '../resolve-name.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

/** `false` is what commander stores for the --no-... form of a flag. */
interface RoleFlags extends AdminOptions {
  ttl?: number;
  description?: string;
  mfa?: boolean;
  approval?: boolean;
  approverMfa?: boolean;
  window?: string | false;
  timeZone?: string;
  group?: string[] | false;
  candidate?: string[] | false;
  candidateGroup?: string[] | false;
  approver?: string[] | false;
}

/** `--add-candidate`/`--remove-candidate` and the same for approvers and groups (role set). */
interface ListEdits {
  addCandidate?: string[];
  removeCandidate?: string[];
  addCandidateGroup?: string[];
  removeCandidateGroup?: string[];
  addApprover?: string[];
  removeApprover?: string[];
  addGroup?: string[];
  removeGroup?: string[];
}

/** [flag, its option property, the role's list, add property, remove property, what one entry is]. */
const LIST_EDITS = [
  ['candidate', 'candidate', 'candidates', 'addCandidate', 'removeCandidate', 'user allowed to request the role'],
  ['candidate-group', 'candidateGroup', 'candidateGroups', 'addCandidateGroup', 'removeCandidateGroup', 'group whose members may request the role'],
  ['approver', 'approver', 'approvers', 'addApprover', 'removeApprover', 'user allowed to approve requests'],
  ['group', 'group', 'groups', 'addGroup', 'removeGroup', 'group an activation grants'],
] as const;
type ListKey = (typeof LIST_EDITS)[number][2];

/** The lists `f` edits, from the role's current lists (or the replacement given): one add or remove at a time, not the whole list. */
function editLists(name: string, f: RoleFlags & ListEdits, current: RoleView): Partial<Record<ListKey, string[]>> {
  const out: Partial<Record<ListKey, string[]>> = {};
  for (const [, prop, key, add, remove] of LIST_EDITS) {
    if (f[add] === undefined && f[remove] === undefined) continue;
    const given = f[prop];
    const list = new Set(given === false ? [] : (given ?? current[key]));
    for (const x of f[remove] ?? []) {
      if (!list.delete(x)) throw usageError(`'${x}' is not in the ${key} of role '${name}' (${[...list].join(', ') || 'none'})`);
    }
    for (const x of f[add] ?? []) list.add(x);
    out[key] = [...list];
  }
  return out;
}

/** What each list flag names: users (logins) or groups. */
const FLAG_KINDS: Record<string, NameKind> = {
  candidate: 'user',
  approver: 'user',
  group: 'group',
  addCandidate: 'user',
  removeCandidate: 'user',
  addApprover: 'user',
  removeApprover: 'user',
  addGroup: 'group',
  removeGroup: 'group',
  candidateGroup: 'group',
  addCandidateGroup: 'group',
  removeCandidateGroup: 'group',
};

/** `f` with every login and group name in its list flags resolved to the stored name (any case, or a "did you mean"). */
async function resolvedFlags<T extends RoleFlags & ListEdits>(core: Core, f: T): Promise<T> {
  const out = { ...f } as Record<string, unknown>;
  for (const [flag, kind] of Object.entries(FLAG_KINDS)) {
    const given = out[flag];
    if (Array.isArray(given)) out[flag] = await resolveNames(core, kind, given as string[]);
  }
  return out as T;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A window as administrators write it, the same shape `apply` files use. */
const windowText = (w: AvailabilityWindow) => ({ from: hhmm(w.from), to: hhmm(w.to), timeZone: w.timeZone });

/** The role for --json: times of day as HH:MM rather than the store's minutes after midnight. */
export const roleJson = (r: RoleView) => ({ ...r, window: r.window ? windowText(r.window) : null });

const windowLabel = (w: AvailabilityWindow | null) =>
  w ? `${hhmm(w.from)}-${hhmm(w.to)}${w.timeZone ? ` ${w.timeZone}` : ' (server time zone)'}` : 'any time';
const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '-');

function describe(r: RoleView): string {
  return formatFields([
    ['name', r.name],
    ['description', r.description ?? '-'],
    ['ttl', `${r.ttlSeconds} s (${formatDuration(r.ttlSeconds)})`],
    ['mfa', yesNo(r.mfaRequired)],
    ['approval', yesNo(r.approvalRequired)],
    ['approver mfa', yesNo(r.approverMfaRequired)],
    ['window', windowLabel(r.window)],
    ['groups', list(r.groups)],
    ['candidates', list(r.candidates)],
    ['candidate groups', list(r.candidateGroups)],
    ['approvers', list(r.approvers)],
    ['id', r.id],
  ]);
}

function parseWindow(text: string): { from: string; to: string } {
  const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  if (!m) throw usageError(`--window must look like 08:00-18:00; got '${text}'`);
  const pad = (t: string) => t.padStart(5, '0');
  return { from: pad(m[1]!), to: pad(m[2]!) };
}

/** Flags to a spec; `current` is the stored role when changing one (for a zone or range given alone). */
function specFrom(name: string, f: RoleFlags, current: RoleView | undefined): RoleSpec {
  let window: RoleSpec['window'];
  if (f.window === false) {
    if (f.timeZone !== undefined) throw usageError('--time-zone makes no sense with --no-window');
    window = null;
  } else if (f.window !== undefined) {
    // Changing only the hours keeps the zone the role already had.
    window = { ...parseWindow(f.window), timeZone: f.timeZone ?? current?.window?.timeZone ?? null };
  } else if (f.timeZone !== undefined) {
    if (!current?.window) throw usageError(`--time-zone needs --window${current ? `: role '${name}' has no window yet` : ''}`);
    window = { ...windowText(current.window), timeZone: f.timeZone };
  }
  const names = (v: string[] | false | undefined) => (v === false ? [] : v);
  return {
    name,
    description: f.description === undefined ? undefined : f.description === '' ? null : f.description,
    ttlSeconds: f.ttl,
    mfaRequired: f.mfa,
    approvalRequired: f.approval,
    approverMfaRequired: f.approverMfa,
    window,
    groups: names(f.group),
    candidates: names(f.candidate),
    candidateGroups: names(f.candidateGroup),
    approvers: names(f.approver),
  };
}

function report(f: RoleFlags, verb: string, r: { role: RoleView; changed: boolean }): void {
  emit(f, { changed: r.changed, role: roleJson(r.role) }, () => `${r.changed ? verb : 'unchanged'}: role ${r.role.name}\n${describe(r.role)}`);
}

const ttlArg = (v: string) => {
  try {
    return parseDuration(v, 'the TTL');
  } catch (e) {
    throw new InvalidArgumentError((e as CliError).message);
  }
};
const collect = (v: string, prev: string[] | false | undefined) => [...(prev || []), v];

const withRoleFlags = (c: Command) =>
  c
    .option('--description <text>', 'what the role is for')
    .option('--mfa', 'activation needs an MFA challenge')
    .option('--approval', "activation needs an approver's consent")
    .option('--approver-mfa', 'an approval counts only when the approver passes MFA for it')
    .option('--window <from-to>', 'activations may only start in this daily window, e.g. 08:00-18:00')
    .option('--time-zone <zone>', "IANA zone the window is read in (default: the server's)")
    .option('--group <name>', 'group an activation grants (repeatable)', collect)
    .option('--candidate <login>', 'user allowed to request the role (repeatable)', collect)
    .option('--candidate-group <name>', 'group whose members may request the role (repeatable; never one the role grants)', collect)
    .option('--approver <login>', 'user allowed to approve requests (repeatable)', collect);

export function registerRoleCommands(program: Command): void {
  const role = program.command('role').description('manage PAM roles (works directly on the data directory)');

  withRoleFlags(adminCommand(role, 'add <name>', 'create a role'))
    .requiredOption('--ttl <seconds>', 'longest activation: seconds, or e.g. 30m, 2h', ttlArg)
    .action(async (name: string, f: RoleFlags) => {
      specFrom(name, f, undefined); // misuse is refused before the store is opened
      report(f, 'created', await withCore(f, async (core) => upsertRole(core.deps, LOCAL_OPERATOR, specFrom(name, await resolvedFlags(core, f), undefined), 'create')));
    });

  adminCommand(role, 'list', 'list roles').action(async (f: AdminOptions) => {
    const roles = await withCore(f, (core) => listRoles(core.deps, LOCAL_OPERATOR));
    emit(f, roles.map(roleJson), () =>
      formatTable(
        ['NAME', 'TTL', 'MFA', 'APPROVAL', 'WINDOW', 'GROUPS', 'CANDIDATES', 'APPROVERS'],
        roles.map((r) => [
          r.name,
          formatDuration(r.ttlSeconds),
          yesNo(r.mfaRequired),
          yesNo(r.approvalRequired),
          windowLabel(r.window),
          list(r.groups),
          list([...r.candidates, ...r.candidateGroups.map((g) => `${g} (group)`)]),
          list(r.approvers),
        ]),
      ),
    );
  });

  adminCommand(role, 'show <name>', 'show one role').action(async (name: string, f: AdminOptions) => {
    const r = await withCore(f, async (core) => showRole(core.deps, LOCAL_OPERATOR, await resolveName(core, 'role', name)));
    emit(f, roleJson(r), () => describe(r));
  });

  const set = withRoleFlags(adminCommand(role, 'set <name>', 'change a role; only the flags given change; --candidate replaces the list, --add-candidate/--remove-candidate edit it'))
    .option('--ttl <seconds>', 'longest activation: seconds, or e.g. 30m, 2h', ttlArg)
    .option('--no-mfa', 'activation needs no MFA challenge')
    .option('--no-approval', 'activation needs no approval')
    .option('--no-approver-mfa', 'approvers need no MFA step-up')
    .option('--no-window', 'activations may start at any time')
    .option('--no-group', 'grant no groups')
    .option('--no-candidate', 'nobody may request the role (how to retire a role that has history)')
    .option('--no-candidate-group', 'no group makes its members candidates')
    .option('--no-approver', 'remove all approvers');
  for (const [flag, , , , , what] of LIST_EDITS) {
    set.option(`--add-${flag} <name>`, `add one ${what}, keeping the others (repeatable)`, collect);
    set.option(`--remove-${flag} <name>`, `remove one ${what}, keeping the others (repeatable)`, collect);
  }
  set.action(async (typed: string, given: RoleFlags & ListEdits) => {
      const edits = LIST_EDITS.some(([, , , add, remove]) => given[add] !== undefined || given[remove] !== undefined);
      const r = await withCore(given, async (core) => {
        const name = await resolveName(core, 'role', typed);
        const f = await resolvedFlags(core, given);
        const current = f.timeZone !== undefined || f.window !== undefined || edits ? await showRole(core.deps, LOCAL_OPERATOR, name) : undefined;
        const spec = specFrom(name, f, current);
        return upsertRole(core.deps, LOCAL_OPERATOR, current && edits ? { ...spec, ...editLists(name, f, current) } : spec, 'update');
      });
      report(given, 'updated', r);
    });

  adminCommand(role, 'remove <name>', 'remove a role nobody ever requested (asks first; --yes skips)')
    .option(...YES_FLAG)
    .action(async (name: string, f: AdminOptions & ConfirmOptions) => {
      const removed = await withCore(f, async (core) => {
        const r = await showRole(core.deps, LOCAL_OPERATOR, await resolveName(core, 'role', name));
        // A refusal (holders, history) is said at once, with what to do instead, before any prompt.
        await checkRoleRemovable(core.deps, LOCAL_OPERATOR, r.name);
        await confirmChange(f, `remove role ${r.name}`, roleRemovalSummary(r));
        await removeRole(core.deps, LOCAL_OPERATOR, r.name);
        return r.name;
      });
      emit(f, { removed: { role: removed } }, () => `removed: role ${removed}`);
    });
}

/** What `role remove` changes: the role, and who can no longer request or approve it. */
export function roleRemovalSummary(r: RoleView): string {
  const list = (xs: readonly string[]) => (xs.length === 0 ? 'none' : xs.join(', '));
  const stageApprovers = (r.approval?.stages ?? []).flatMap((s) => s.approvers);
  return [
    `This will remove role ${r.name}.`,
    `  candidates who can no longer request it: ${list(r.candidates)}${r.candidateGroups.length ? ` and the members of ${list(r.candidateGroups)}` : ''}`,
    `  approvers who no longer approve it: ${list([...new Set([...r.approvers, ...stageApprovers])])}`,
    `  groups it no longer grants: ${list(r.groups)}`,
    '  no elevation ends: a role that is active or was ever requested cannot be removed',
  ].join('\n');
}
