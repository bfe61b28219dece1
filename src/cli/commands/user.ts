import type { Command } from 'commander';
import { LOCAL_OPERATOR } from '../../app/admin/require-admin.js';
import { type PublicAccount, type UserSpec, type UserView, checkUserRemovable, listUsers, removeUser, showUser, upsertUser } from '../../app/admin/users.js';
import { lockUser, unlockUser } from '../../app/admin/lock.js';
import { type RoleView, listRoles } from '../../app/admin/roles.js';
import { provisionTotp, resetMfa } from '../../app/mfa/enrol-totp.js';
import { type IssuedEnrolmentCode, issueEnrolmentCode } from '../../app/mfa/enrolment-code.js';
import { liftMfaLockout } from '../../app/mfa/lockout.js';
import { formatLocalTime } from '../format-time.js';
import { timeArg } from './pam-requests.js';
import { endedTable } from './revoke.js';
import { usageError } from '../cli-error.js';
import { type ConfirmOptions, YES_FLAG, confirmChange } from '../confirm.js';
import { emit, formatFields, yesNo } from '../output.js';
import { passwordFromFlags } from '../password-input.js';
import { resolveName } from '../resolve-name.js';
import { formatTable } from '../table.js';
import { terminalQr } from '../terminal-qr.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';

interface UserFlags extends AdminOptions {
  displayName?: string;
  /** false from --no-email, which clears the address. */
  email?: string | false;
  passwordFile?: string;
  passwordStdin?: boolean;
  admin?: boolean;
  disabled?: boolean;
  enabled?: boolean;
  service?: boolean;
}

/** The lock as people read it; a lapsed lock no longer refuses anything, so it says so. */
function lockLabel(a: PublicAccount): string {
  if (!a.lock) return 'no';
  const lapsed = a.lock.until !== null && a.lock.until <= Date.now();
  const until = a.lock.until === null ? 'until unlocked' : `${lapsed ? 'lapsed' : 'until'} ${formatLocalTime(a.lock.until)}`;
  return `${lapsed ? 'no' : 'yes'} (${until}; since ${formatLocalTime(a.lock.lockedAt)}: ${a.lock.reason})`;
}

/** Whether failed MFA attempts hold the user back: locked (until lifted), waiting, or fine. */
function lockoutText(u: UserView): string {
  const l = u.mfaLockout;
  if (l.locked) return `LOCKED since ${formatLocalTime(l.lockedAt)} after ${l.failures} failures (elevate user mfa-unlock ${u.login})`;
  if (l.waitUntil !== null) return `waiting until ${formatLocalTime(l.waitUntil)} after ${l.failures} failures`;
  return l.failures > 0 ? `${l.failures} failed attempt(s)` : 'ok';
}

function describe(a: PublicAccount, u?: UserView): string {
  return formatFields([
    ...(u ? ([['mfa', lockoutText(u)]] as [string, string][]) : []),
    ['login', a.login],
    ['display name', a.displayName],
    ['email', a.email ?? '-'],
    ['admin', yesNo(a.isAdmin)],
    ['disabled', yesNo(a.disabled)],
    ['locked', lockLabel(a)],
    ['password', a.hasPassword ? 'set' : 'none (cannot sign in with a password)'],
    ['id', a.id],
  ]);
}

async function specFrom(login: string, f: UserFlags): Promise<UserSpec> {
  if (f.disabled && f.enabled) throw usageError('give either --disabled or --enabled, not both');
  return {
    login,
    displayName: f.displayName,
    email: f.email === false ? null : f.email,
    password: await passwordFromFlags(f),
    isAdmin: f.admin,
    disabled: f.disabled ? true : f.enabled ? false : undefined,
    service: f.service,
  };
}

/** Prints the outcome of an add or set, never the password hash (PublicAccount has none). */
function report(f: UserFlags, verb: string, r: { account: PublicAccount; changed: boolean }): void {
  emit(f, { changed: r.changed, user: r.account }, () => `${r.changed ? verb : 'unchanged'}: user ${r.account.login}\n${describe(r.account)}`);
}

const withUserFlags = (c: Command) =>
  c
    .option('--display-name <name>', 'name shown to people')
    .option('--email <address>', 'email address')
    .option('--password-file <file>', 'read the password from a file (one trailing newline is ignored)')
    .option('--password-stdin', 'read the password from standard input');

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage users (works directly on the data directory)');

  withUserFlags(adminCommand(user, 'add <login>', 'create a user'))
    .option('--admin', 'may manage users, groups and roles')
    .option('--service', 'a service account: no password, signs in only with API tokens (elevate token create --user)')
    .action(async (login: string, f: UserFlags) => {
      const spec = await specFrom(login, f);
      const r = await withCore(f, (core) => upsertUser(core.deps, core.hasher, LOCAL_OPERATOR, spec, 'create'));
      report(f, 'created', r);
    });

  adminCommand(user, 'list', 'list users').action(async (f: AdminOptions) => {
    const users = await withCore(f, (core) => listUsers(core.deps, LOCAL_OPERATOR));
    emit(f, users, () =>
      formatTable(
        ['LOGIN', 'DISPLAY NAME', 'EMAIL', 'ADMIN', 'DISABLED', 'LOCKED', 'PASSWORD', 'MFA'],
        users.map((a) => [a.login, a.displayName, a.email ?? '-', yesNo(a.isAdmin), yesNo(a.disabled), lockLabel(a).split(' ')[0]!, a.hasPassword ? 'set' : 'none', a.mfaLockout.locked ? 'LOCKED' : a.mfaLockout.failures > 0 ? `${a.mfaLockout.failures} failed` : 'ok']),
      ),
    );
  });

  adminCommand(user, 'show <login>', 'show one user').action(async (login: string, f: AdminOptions) => {
    const a = await withCore(f, async (core) => showUser(core.deps, LOCAL_OPERATOR, await resolveName(core, 'user', login)));
    emit(f, a, () => describe(a, a));
  });

  withUserFlags(adminCommand(user, 'set <login>', 'change a user; only the flags given change'))
    .option('--no-email', 'remove the email address')
    .option('--admin', 'may manage users, groups and roles')
    .option('--no-admin', 'may no longer manage users, groups and roles')
    .option('--disabled', 'refuse sign-in; ends the user\'s sessions and every elevation, pending and scheduled request')
    .option('--enabled', 'allow sign-in again')
    .action(async (login: string, f: UserFlags) => {
      const r = await withCore(f, async (core) => upsertUser(core.deps, core.hasher, LOCAL_OPERATOR, await specFrom(await resolveName(core, 'user', login), f), 'update'));
      report(f, 'updated', r);
    });

  adminCommand(user, 'lock <login>', 'lock a user: end their sessions and every elevation, pending and scheduled request; refuse sign-in')
    .requiredOption('--reason <text>', 'why: audited, and shown to the person in their history')
    .option('--until <time>', 'the lock lapses then (your local time unless it carries Z or an offset); default: until unlocked', timeArg)
    .action(async (login: string, f: AdminOptions & { reason: string; until?: number }) => {
      const r = await withCore(f, async (core) => lockUser(core.deps, LOCAL_OPERATOR, await resolveName(core, 'user', login), f.reason, f.until ?? null));
      emit(f, r, () => `locked: user ${r.user.login}\n${describe(r.user)}\n\n${endedTable(r.ended)}`);
    });

  adminCommand(user, 'unlock <login>', 'lift a lock: sign-in works again; nothing the lock ended comes back').action(async (login: string, f: AdminOptions) => {
    const a = await withCore(f, async (core) => unlockUser(core.deps, LOCAL_OPERATOR, await resolveName(core, 'user', login)));
    emit(f, a, () => `unlocked: user ${a.login}\n${describe(a)}`);
  });

  adminCommand(user, 'remove <login>', 'remove a user who never made a request (asks first; --yes skips)')
    .option(...YES_FLAG)
    .action(async (login: string, f: AdminOptions & ConfirmOptions) => {
      const removed = await withCore(f, async (core) => {
        const a = await showUser(core.deps, LOCAL_OPERATOR, await resolveName(core, 'user', login));
        // A refusal is said at once, with what to do instead, not after a "remove alice?" prompt.
        await checkUserRemovable(core.deps, LOCAL_OPERATOR, a.login);
        const roles = await listRoles(core.deps, LOCAL_OPERATOR);
        await confirmChange(f, `remove user ${a.login}`, removalSummary(a, roles));
        await removeUser(core.deps, LOCAL_OPERATOR, a.login);
        return a.login;
      });
      emit(f, { removed: { user: removed } }, () => `removed: user ${removed}`);
    });

  adminCommand(user, 'totp <login>', 'give the user a new TOTP authenticator (replaces any); prints its secret once').action(
    async (login: string, f: AdminOptions) => {
      const e = await withCore(f, async (core) => provisionTotp(core.deps, core.mfa, LOCAL_OPERATOR, (login = await resolveName(core, 'user', login))));
      const qr = f.json ? '' : await terminalQr(e.uri);
      emit(f, { user: login, secret: e.secret, uri: e.uri }, () =>
        (qr ? `${qr}\n` : '') + formatFields([
          ['user', login],
          ['secret', e.secret],
          ['otpauth URI', e.uri],
          ['note', 'shown once: add it to the user\'s authenticator app now'],
        ]),
      );
    },
  );

  adminCommand(user, 'mfa-reset <login>', 'remove every MFA factor of the user (and lift any MFA lockout)')
    .option('--enrolment-code', 'also issue a one-time enrolment code so the user can enrol again')
    .action(async (login: string, f: AdminOptions & { enrolmentCode?: boolean }) => {
      const issued = await withCore(f, async (core) => resetMfa(core.deps, LOCAL_OPERATOR, (login = await resolveName(core, 'user', login)), { issueCode: f.enrolmentCode === true }));
      emit(f, { reset: { user: login }, ...(issued && { enrolmentCode: codeJson(issued) }) }, () =>
        [`removed every MFA factor of ${login}`, ...(issued ? ['', codeText(login, issued)] : [])].join('\n'),
      );
    });

  adminCommand(user, 'mfa-enrolment-code <login>', 'issue a one-time code (24 hours) with which a user without MFA enrols a first factor').action(
    async (login: string, f: AdminOptions) => {
      const issued = await withCore(f, async (core) => issueEnrolmentCode(core.deps, LOCAL_OPERATOR, (login = await resolveName(core, 'user', login))));
      emit(f, { user: login, ...codeJson(issued) }, () => codeText(login, issued));
    },
  );

  adminCommand(user, 'mfa-unlock <login>', 'lift the MFA lockout that failed attempts put on the user').action(async (login: string, f: AdminOptions) => {
    await withCore(f, async (core) => liftMfaLockout(core.deps, LOCAL_OPERATOR, (login = await resolveName(core, 'user', login))));
    emit(f, { unlocked: { user: login } }, () => `lifted the MFA lockout of ${login}`);
  });
}

/** What `user remove` changes: the account, every role it leaves, and (never, by the rule) an elevation. */
export function removalSummary(a: PublicAccount, roles: readonly RoleView[]): string {
  const lines = [`This will remove user ${a.login} (${a.displayName}).`];
  for (const r of roles) {
    const as: string[] = [];
    if (r.candidates.includes(a.login)) as.push('candidate');
    if (r.approvers.includes(a.login) || (r.approval?.stages ?? []).some((s) => s.approvers.includes(a.login))) as.push('approver');
    if (as.length > 0) lines.push(`  ${a.login} leaves role ${r.name} (${as.join(' and ')})`);
  }
  if (lines.length === 1) lines.push(`  ${a.login} is a candidate or approver of no role`);
  lines.push(`  no elevation ends: a user who ever made a request cannot be removed (disable or lock instead)`);
  return lines.join('\n');
}

const codeJson = (c: IssuedEnrolmentCode) => ({ code: c.code, expiresAt: new Date(c.expiresAt).toISOString() });

function codeText(login: string, c: IssuedEnrolmentCode): string {
  return formatFields([
    ['user', login],
    ['enrolment code', c.code],
    ['expires', formatLocalTime(c.expiresAt)],
    ['note', 'shown once; works once, for a first factor (portal: Security, or `elevate mfa totp --enrolment-code`)'],
  ]);
}
