import { type Command, Option } from 'commander';
import { type GroupSpec, groupMembers, listGroups, removeGroup, upsertGroup } from '../../app/admin/groups.js';
import { type MembersChange, changeGroupMembers } from '../../app/admin/group-members.js';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { type Group, MEMBER_ATTRIBUTES, type MemberAttribute, RECONCILE_MODES, type ReconcileMode } from '../../domain/group/group.js';
import { listRoles } from '../../app/admin/roles.js';
import { type ConfirmOptions, YES_FLAG, confirmChange } from '../confirm.js';
import { emit, formatFields, yesNo } from '../output.js';
import { resolveName } from '../resolve-name.js';
import { formatTable } from '../table.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

interface GroupFlags extends AdminOptions {
  description?: string;
  directory?: string;
  dn?: string;
  memberAttribute?: MemberAttribute;
  reconcile?: ReconcileMode;
}

/** Where an LDAP group lives and how the reconciler treats it. */
const withDirectoryFlags = (c: Command) =>
  c
    .option('--directory <name>', "a configured LDAP directory (default: 'embedded', Elevate's own)")
    .option('--dn <dn>', "the group's DN in that directory")
    .addOption(new Option('--member-attribute <attr>', 'how the group lists members').choices([...MEMBER_ATTRIBUTES]))
    .addOption(new Option('--reconcile <mode>', 'off, report (audit drift) or enforce (correct it)').choices([...RECONCILE_MODES]));

const describe = (g: Group) =>
  formatFields([
    ['name', g.name],
    ['description', g.description ?? '-'],
    ['directory', g.directory],
    ...(g.dn ? ([['dn', g.dn], ['member attribute', g.memberAttribute ?? '-'], ['reconcile', g.reconcile]] as [string, string][]) : []),
    ['id', g.id],
  ]);

/** An empty --description clears it: the store keeps null, not an empty string. */
const specFrom = (name: string, f: GroupFlags): GroupSpec => ({
  name,
  description: f.description === undefined ? undefined : f.description === '' ? null : f.description,
  directory: f.directory,
  dn: f.dn,
  memberAttribute: f.memberAttribute,
  reconcile: f.reconcile,
});

function report(f: GroupFlags, verb: string, r: { group: Group; changed: boolean }): void {
  emit(f, { changed: r.changed, group: r.group }, () => `${r.changed ? verb : 'unchanged'}: group ${r.group.name}\n${describe(r.group)}`);
}

export function registerGroupCommands(program: Command): void {
  const group = program.command('group').description('manage the groups roles grant (works directly on the data directory)');

  withDirectoryFlags(adminCommand(group, 'add <name>', 'create a group'))
    .option('--description <text>', 'what the group is for')
    .action(async (name: string, f: GroupFlags) => {
      report(f, 'created', await withCore(f, (core) => upsertGroup(core.deps, LOCAL_OPERATOR, specFrom(name, f), 'create')));
    });

  adminCommand(group, 'list', 'list groups').action(async (f: AdminOptions) => {
    const groups = await withCore(f, (core) => listGroups(core.deps, LOCAL_OPERATOR));
    emit(f, groups, () => formatTable(['NAME', 'DESCRIPTION', 'DIRECTORY'], groups.map((g) => [g.name, g.description ?? '-', g.directory])));
  });

  adminCommand(group, 'show <name>', 'show one group').action(async (name: string, f: AdminOptions) => {
    const g = await withCore(f, async (core) => {
      const exact = await resolveName(core, 'group', name);
      return (await listGroups(core.deps, LOCAL_OPERATOR)).find((x) => x.name === exact)!;
    });
    emit(f, g, () => describe(g));
  });

  withDirectoryFlags(adminCommand(group, 'set <name>', 'change a group; only the flags given change'))
    .option('--description <text>', 'what the group is for (empty to clear)')
    .action(async (name: string, f: GroupFlags) => {
      report(f, 'updated', await withCore(f, async (core) => upsertGroup(core.deps, LOCAL_OPERATOR, specFrom(await resolveName(core, 'group', name), f), 'update')));
    });

  adminCommand(group, 'remove <name>', 'remove a group no role grants and nobody holds (asks first; --yes skips)')
    .option(...YES_FLAG)
    .action(async (typed: string, f: AdminOptions & ConfirmOptions) => {
      const name = await withCore(f, async (core) => {
        const name = await resolveName(core, 'group', typed);
        const g = (await listGroups(core.deps, LOCAL_OPERATOR)).find((x) => x.name === name);
        // A group that is missing, or that a role still grants, is refused by removeGroup: nothing to ask.
        const granting = (await listRoles(core.deps, LOCAL_OPERATOR)).filter((r) => r.groups.includes(name));
        if (g && granting.length === 0) {
          await confirmChange(f, `remove group ${name}`, `This will remove group ${name} (directory ${g.directory}).\n  no role grants it, so no role and no elevation changes`);
        }
        await removeGroup(core.deps, LOCAL_OPERATOR, name);
        return name;
      });
      emit(f, { removed: { group: name } }, () => `removed: group ${name}`);
    });

  adminCommand(group, 'members <name>', "who holds the group now, beside who Elevate's active grants say should")
    .action(async (name: string, f: AdminOptions) => {
      const r = await withCore(f, async (core) => groupMembers(core.deps, LOCAL_OPERATOR, await resolveName(core, 'group', name)));
      emit(f, r, () => {
        if (r.grantedBy.length === 0) {
          // A standing group: its members are set by administrators (or its LDAP directory), not by grants.
          const head = `group ${r.group.name} is a standing group (no role grants it)`;
          if (r.members.length === 0) return `${head} and has no members`;
          return `${head}\n${formatTable(['LOGIN', 'DISPLAY NAME'], r.members.map((m) => [m.login, m.displayName]))}`;
        }
        if (r.members.length === 0) return `group ${r.group.name} has no members and no active grant expects any`;
        const table = formatTable(
          ['LOGIN', 'DISPLAY NAME', 'MEMBER NOW', 'EXPECTED BY ACTIVE GRANTS'],
          r.members.map((m) => [m.login, m.displayName, yesNo(m.member), yesNo(m.expected)]),
        );
        const head = `group ${r.group.name} is granted by ${r.grantedBy.join(', ')}: members only through elevations`;
        // A difference means a grant or revoke has not reached the directory yet, or someone
        // changed the group outside Elevate; either way the operator should know.
        const drift = r.members.filter((m) => m.member !== m.expected).length;
        return drift === 0 ? `${head}\n${table}` : `${head}\n${table}\n\n${drift} member(s) differ from what the active grants expect`;
      });
    });

  // Standing members of an embedded group no role grants (approver, candidate or rule groups).
  const changeMembers = (verb: string, what: string, change: (logins: string[]) => Parameters<typeof changeGroupMembers>[3]) =>
    adminCommand(group, `${verb} <name> <login...>`, what).action(async (name: string, logins: string[], f: AdminOptions) => {
      const r = await withCore(f, (core) => changeGroupMembers(core.deps, LOCAL_OPERATOR, name, change(logins)));
      emit(f, r, () => membersChangeText(r));
    });
  changeMembers('add-member', 'add standing members to an embedded group no role grants', (logins) => ({ add: logins }));
  changeMembers('remove-member', 'remove standing members of an embedded group no role grants', (logins) => ({ remove: logins }));
  adminCommand(group, 'set-members <name> [login...]', 'replace the standing members of an embedded group no role grants (none given: empty it)')
    .action(async (name: string, logins: string[], f: AdminOptions) => {
      const r = await withCore(f, (core) => changeGroupMembers(core.deps, LOCAL_OPERATOR, name, { set: logins }));
      emit(f, r, () => membersChangeText(r));
    });
}

/** What a member edit changed, in a line each, then who is in the group now. */
function membersChangeText(r: MembersChange): string {
  const lines = [
    ...r.added.map((l) => `added: ${l} to group ${r.group}`),
    ...r.removed.map((l) => `removed: ${l} from group ${r.group}`),
  ];
  if (lines.length === 0) lines.push(`unchanged: group ${r.group}`);
  lines.push(`members now: ${r.members.map((m) => m.login).join(', ') || 'none'}`);
  return lines.join('\n');
}
