import { AUDIENCE, NOTIFICATION_KINDS, type NotificationKind } from '../../domain/notify/notification.js';
import type { GroupMembers } from '../../domain/role/approval-stage.js';
import { isApprover, isCandidate } from '../../domain/role/role.js';
import { candidateGroupsOf } from '../approver-groups.js';
import { DomainError } from '../../domain/errors.js';
import type { Caller, Deps } from '../deps.js';
import { withAddresses } from './run-notifications.js';

/** What the configuration turns on, as far as a person may know it (no URLs, no secrets). */
export interface NotifySetup {
  readonly email: boolean;
  /** The global Slack channel, or null without Slack. */
  readonly slackChannel: string | null;
  readonly teams: boolean;
  /** The server's lead time of the expiry warning. */
  readonly expiryWarningMinutes: number;
}

export interface MyNotifications {
  /** Where email reaches the caller: the address on file, else the directory's; null: no email. */
  readonly email: { readonly enabled: boolean; readonly address: string | null; readonly source: 'account' | 'directory' | 'directory-unavailable' | null };
  /** Each event that reaches the caller, and through which channels. */
  readonly events: readonly { readonly event: NotificationKind; readonly as: 'requester' | 'approver'; readonly channels: readonly string[] }[];
  /** The chat channels the caller's roles post to (shared with others, not personal). */
  readonly sharedChannels: readonly string[];
  /** The latest email deliveries to the caller, newest first. */
  readonly deliveries: readonly {
    readonly event: NotificationKind;
    readonly requestId: string;
    readonly role: string | null;
    readonly status: 'delivered' | 'waiting' | 'failing';
    /** When it was delivered, or when it is next tried. */
    readonly at: number;
    readonly attempts: number;
  }[];
}

const RECENT = 20;

/**
 * Which notifications reach the caller (issue 15, the portal's Security page): the events about
 * their requests and approvals, by email to which address, and the shared chat channels of their
 * roles; and the last emails sent to them. Only the caller's own: nothing here names anyone else.
 */
export async function myNotifications(deps: Deps, caller: Caller, setup: NotifySetup): Promise<MyNotifications> {
  const { account, roles, recent } = await deps.store.read(async (tx) => {
    const account = await tx.accounts.byId(caller.accountId);
    if (!account) throw new DomainError('NotFound', 'The account no longer exists.');
    const [mine, all] = [await candidateGroupsOf(deps, tx, caller.accountId), await tx.roles.list()];
    const members: GroupMembers = new Map(mine.map((g) => [g, new Set([caller.accountId])]));
    const roles = all.filter((r) => isCandidate(r, caller.accountId, members) || isApprover(r, caller.accountId));
    const recent = await tx.notifications.latestTo([`email:${caller.accountId}`], RECENT);
    const names = new Map<string, string>();
    for (const { notification: n } of recent) {
      const r = await tx.requests.byId(n.requestId);
      const role = r ? await tx.roles.byId(r.roleId) : undefined;
      if (role) names.set(n.requestId, role.name);
    }
    return { account, roles, recent: recent.map((x) => ({ ...x, role: names.get(x.notification.requestId) ?? null })) };
  });
  let address: string | null = account.email;
  let source: MyNotifications['email']['source'] = address === null ? null : 'account';
  if (address === null && setup.email) {
    try {
      address = (await withAddresses(deps, [{ id: account.id, login: account.login, displayName: account.displayName, email: null }]))[0]!.email;
      source = address === null ? null : 'directory';
    } catch {
      source = 'directory-unavailable';
    }
  }
  const shared = new Set<string>();
  for (const r of roles) {
    if (setup.slackChannel !== null || r.notify?.slackChannel) shared.add(`Slack ${r.notify?.slackChannel ?? setup.slackChannel}`);
    if (setup.teams || r.notify?.teamsChannel) shared.add(`Teams ${r.notify?.teamsChannel ?? '(global)'}`);
  }
  const personal = setup.email && (address !== null || source === 'directory-unavailable') ? ['email'] : [];
  const approves = roles.some((r) => isApprover(r, caller.accountId));
  const warns = setup.expiryWarningMinutes > 0 || roles.some((r) => (r.notify?.expiryWarningMinutes ?? 0) > 0);
  const reaches = (k: NotificationKind) => AUDIENCE[k] === 'requester' ? k !== 'ending-soon' || warns : AUDIENCE[k] === 'approvers' && approves;
  const events = NOTIFICATION_KINDS.filter(reaches).map((k) => ({
    event: k,
    as: AUDIENCE[k] === 'approvers' ? ('approver' as const) : ('requester' as const),
    channels: personal,
  }));
  return {
    email: { enabled: setup.email, address, source },
    events,
    sharedChannels: [...shared].sort(),
    deliveries: recent.map(({ delivery: d, notification: n, role }) => ({
      event: n.kind,
      requestId: n.requestId,
      role,
      status: d.doneAt !== null ? 'delivered' : d.lastError !== null ? 'failing' : 'waiting',
      at: d.doneAt ?? d.nextAttemptAt,
      attempts: d.attempts,
    })),
  };
}
