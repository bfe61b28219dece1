import type { Account } from '../../domain/account/account.js';
import type { Instant } from '../../domain/time.js';
import type { NotificationChannel, NotificationMessage, NotifiedPerson } from '../../ports/notification-channel.js';
import type { Notification, NotificationDelivery, StoreTx } from '../../ports/store.js';
import type { Deps } from '../deps.js';
import { backoffMs } from '../outbox/run-outbox.js';
import { personalRecipients } from './recipients.js';
import { AUDIENCE } from '../../domain/notify/notification.js';
import { NO_MEMBERS, approverGroupIdsOf } from '../../domain/role/approval-stage.js';
import { readGroupMembers } from '../approver-groups.js';
import { DomainError } from '../../domain/errors.js';

export interface NotificationOptions {
  readonly channels: readonly NotificationChannel[];
  /** The portal's address, for links. */
  readonly portalUrl: string;
  readonly leaseMs?: number;
  readonly sendTimeoutMs?: number;
  readonly limit?: number;
}

export interface NotificationReport {
  fannedOut: number;
  delivered: number;
  failed: { notificationId: string; receiver: string; attempts: number; error: string }[];
  /** Milliseconds from when each delivered notification was due to its delivery. */
  latenessMs: number[];
}

/**
 * One pass of the notification worker: fan due events out to their receivers, then send each due
 * delivery outside any transaction. At least once: a delivery is marked done only after its receiver
 * accepted it, so a crash in between sends it again (receivers dedupe on the event id); a delivery
 * claimed by a node that died is taken over once its lease lapses. Each channel is worked on its
 * own, concurrently: one that is down or slow (bounded by the send timeout) holds up only its own
 * deliveries, which it puts off together until its next attempt.
 */
export async function runNotifications(deps: Deps, opts: NotificationOptions): Promise<NotificationReport> {
  const report: NotificationReport = { fannedOut: 0, delivered: 0, failed: [], latenessMs: [] };
  report.fannedOut = await fanOutNotifications(deps, opts);
  const leaseMs = opts.leaseMs ?? 60_000;
  const deliveries = await deps.store.transaction((tx) => {
    const now = deps.clock.now();
    return tx.notifications.claim(now, now + leaseMs, opts.limit ?? 200);
  });
  const byChannel = new Map<string, NotificationDelivery[]>();
  for (const d of deliveries) {
    const c = channelOf(opts.channels, d.receiver);
    const key = c?.name ?? d.receiver;
    byChannel.set(key, [...(byChannel.get(key) ?? []), d]);
  }
  await Promise.all([...byChannel.values()].map((list) => deliverInTurn(deps, opts, list, report)));
  return report;
}

/** The channel a receiver belongs to: a broadcast channel by its name, a personal one as `<name>:<account id>`. */
export function channelOf(channels: readonly NotificationChannel[], receiver: string): NotificationChannel | undefined {
  const exact = channels.find((c) => c.reach === 'broadcast' && (c.name === receiver || c.owns?.(receiver) === true));
  if (exact) return exact;
  const cut = receiver.lastIndexOf(':');
  return cut < 0 ? undefined : channels.find((c) => c.reach === 'personal' && c.name === receiver.slice(0, cut));
}

/** Writes the deliveries of every due event in one transaction; an expiry warning whose elevation moved on is dropped. */
export async function fanOutNotifications(deps: Deps, opts: NotificationOptions): Promise<number> {
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const due = await tx.notifications.toFanOut(now, opts.limit ?? 200);
    let done = 0;
    for (const n of due) {
      let receivers: string[];
      try {
        receivers = await receiversOf(deps, tx, opts.channels, n);
      } catch (e) {
        // A directory that cannot say where someone's mail goes: this event waits for the next pass,
        // the others go on; concluding "no address" would lose it.
        if (e instanceof DomainError && e.code === 'DirectoryUnavailable') continue;
        throw e;
      }
      await tx.notifications.fanOut(n.id, receivers, now);
      done++;
    }
    return done;
  });
}

async function receiversOf(deps: Deps, tx: StoreTx, channels: readonly NotificationChannel[], n: Notification): Promise<string[]> {
  const r = await tx.requests.byId(n.requestId);
  const role = r ? await tx.roles.byId(r.roleId) : undefined;
  if (!r || !role) return [];
  // The warning was written when access began: an elevation closed or extended since needs none.
  if (n.kind === 'ending-soon' && (r.status !== 'Active' || r.expiresAt !== n.detail.expiresAt)) return [];
  // Approvers are read as the approval stands now: the open stage's voters, group members included.
  const approval = AUDIENCE[n.kind] === 'approvers' && r.approvalId !== null ? await tx.approvals.byId(r.approvalId) : undefined;
  const members = approval ? await readGroupMembers(deps, tx, approverGroupIdsOf(role)) : NO_MEMBERS;
  // Addresses (a directory read for LDAP users) only when some personal channel takes this event.
  const personal = channels.some((c) => c.reach === 'personal' && c.accepts(n.kind));
  const people = personal ? await withAddresses(deps, (await tx.accounts.byIds(personalRecipients(n.kind, role, r, approval, members))).map(person)) : [];
  // A role's own Slack channel or Teams webhook takes its events; operations events stay global.
  const route = AUDIENCE[n.kind] === 'operations' ? null : (role.notify ?? null);
  return channels
    .filter((c) => c.accepts(n.kind))
    .flatMap((c) => {
      if (c.reach === 'personal') return people.filter((p) => c.reaches(p)).map((p) => `${c.name}:${p.id}`);
      const receiver = c.receiverFor ? c.receiverFor(route) : c.name;
      return receiver === null ? [] : [receiver];
    });
}

function person(a: Account): NotifiedPerson {
  return { id: a.id, login: a.login, displayName: a.displayName, email: a.email };
}

/** The people with their addresses: the one on file, else the directory's (LDAP users). */
export async function withAddresses(deps: Deps, people: readonly NotifiedPerson[]): Promise<NotifiedPerson[]> {
  const book = deps.addressBook;
  if (!book) return [...people];
  return Promise.all(people.map(async (p) => (p.email !== null ? p : { ...p, email: await book.emailOf(p.login) })));
}

/** One channel's deliveries, one after another; after a failure the rest wait for its retry. */
async function deliverInTurn(deps: Deps, opts: NotificationOptions, list: readonly NotificationDelivery[], report: NotificationReport): Promise<void> {
  let failure: { readonly at: Instant; readonly error: string } | null = null;
  for (const d of list) {
    if (failure) {
      // Not an attempt of its own: the channel is down, so it waits as long as the failed one.
      await deps.store.transaction((tx) => tx.notifications.markFailed(d.notificationId, d.receiver, d.attempts, failure!.at, `put off: ${failure!.error}`));
      continue;
    }
    const error = await attempt(deps, opts, d);
    const now = deps.clock.now();
    if (error === null) {
      const first = await deps.store.transaction((tx) => tx.notifications.markDelivered(d.notificationId, d.receiver, now));
      if (!first) continue;
      report.delivered++;
      const n = (await deps.store.read((tx) => tx.notifications.byIds([d.notificationId])))[0];
      if (n) report.latenessMs.push(Math.max(0, now - n.notBefore));
    } else {
      const attempts = d.attempts + 1;
      failure = { at: now + backoffMs(attempts), error };
      await deps.store.transaction((tx) => tx.notifications.markFailed(d.notificationId, d.receiver, attempts, failure!.at, error));
      report.failed.push({ notificationId: d.notificationId, receiver: d.receiver, attempts, error });
    }
  }
}

/** Sends one delivery; null when the receiver accepted it, else why not. */
async function attempt(deps: Deps, opts: NotificationOptions, d: NotificationDelivery): Promise<string | null> {
  const channel = channelOf(opts.channels, d.receiver);
  if (!channel) return `no channel '${d.receiver}' is configured any more`;
  const stored = await deps.store.read((tx) => messageFor(tx, opts, d, channel));
  if (!stored) return 'the request or its role no longer exists';
  let message = stored;
  if (stored.to !== null && stored.to.email === null) {
    try {
      message = { ...stored, to: (await withAddresses(deps, [stored.to]))[0]! };
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  // A timer of our own rather than AbortSignal.timeout, whose unref'd timer lets a lone pass hang.
  const timeoutMs = opts.sendTimeoutMs ?? 10_000;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    await channel.send(message, abort.signal);
    return null;
  } catch (e) {
    return abort.signal.aborted ? `no answer within ${timeoutMs} ms` : e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
  }
}

async function messageFor(tx: StoreTx, opts: NotificationOptions, d: NotificationDelivery, channel: NotificationChannel): Promise<NotificationMessage | null> {
  const n = (await tx.notifications.byIds([d.notificationId]))[0];
  const r = n ? await tx.requests.byId(n.requestId) : undefined;
  const role = r ? await tx.roles.byId(r.roleId) : undefined;
  if (!n || !r || !role) return null;
  const ids = [r.creatorId, ...(n.detail.actorId ? [n.detail.actorId] : []), ...(channel.reach === 'personal' ? [d.receiver.slice(channel.name.length + 1)] : [])];
  const people = new Map((await tx.accounts.byIds(ids)).map((a) => [a.id, person(a)]));
  const requester = people.get(r.creatorId);
  if (!requester) return null;
  // The page the reader acts on: approvals to decide, My roles to extend an elevation ending soon.
  const page = n.kind === 'approval-needed' ? 'approvals' : n.kind === 'ending-soon' ? 'roles' : 'requests';
  return {
    id: n.id,
    kind: n.kind,
    time: n.notBefore,
    request: {
      id: r.id,
      role: role.name,
      requester,
      justification: r.justification,
      status: n.detail.status,
      expiresAt: n.detail.expiresAt,
      endReason: n.detail.endReason,
      endNote: n.detail.endNote,
      approvalId: n.kind === 'approval-needed' ? r.approvalId : null,
    },
    actor: n.detail.actorId ? (people.get(n.detail.actorId) ?? null) : null,
    comment: n.detail.comment,
    link: `${opts.portalUrl}/#/${page}`,
    to: channel.reach === 'personal' ? (people.get(d.receiver.slice(channel.name.length + 1)) ?? null) : null,
    receiver: d.receiver,
  };
}
