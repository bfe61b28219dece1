import type { Account } from '../../domain/account/account.js';
import type { Group } from '../../domain/group/group.js';
import type { Instant } from '../../domain/time.js';
import type { Directory } from '../../ports/directory.js';
import type { OutboxJob } from '../../ports/store.js';
import type { Deps } from '../deps.js';
import { Lifecycle, auditMembership } from '../lifecycle.js';

export interface OutboxReport {
  applied: number;
  failed: { jobId: number; requestId: string; kind: OutboxJob['kind']; group: string; attempts: number; error: string }[];
  /** Milliseconds between an expiry and the moment its revoke was confirmed by the directory. */
  expiryLatenessMs: number[];
}

/** Long enough for a directory call and its timeouts; a dead node's jobs wait this long at most. */
export const DEFAULT_LEASE_MS = 60_000;

/** Backoff before the next attempt: 1 s, 2 s, 4 s … capped at `maxMs`. */
export function backoffMs(attempts: number, maxMs = 60_000): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** What recording one job did, from the transaction attempt that committed. */
interface JobOutcome {
  readonly applied?: boolean;
  readonly failed?: OutboxReport['failed'][number];
  readonly expiryLatenessMs?: number;
}

interface Prepared {
  readonly job: OutboxJob;
  readonly group: Group | undefined;
  readonly account: Account | undefined;
  readonly directory: Directory | undefined;
  readonly expiresAt: Instant | null;
  /** A revoke whose group another active elevation still grants removes nothing. */
  readonly stillHeld: boolean;
}

/**
 * Applies due outbox jobs to their directories, up to `concurrency` at once (see lanesOf). Each job
 * is read in one transaction, applied with no transaction open (a slow directory must not hold the
 * store), then recorded in another: done (and the request confirmed once all its jobs are), or
 * failed with its next attempt backed off.
 * Directories are idempotent by contract, so a job applied twice after a crash is harmless.
 */
export async function runOutbox(
  deps: Deps,
  opts: { limit?: number; leaseMs?: number; concurrency?: number; directoryFor: (name: string) => Directory | undefined },
): Promise<OutboxReport> {
  const report: OutboxReport = { applied: 0, failed: [], expiryLatenessMs: [] };
  // Claimed for a lease, not a transaction: the directory calls below must not hold the store. A
  // node that dies mid-batch leaves its jobs to the others once the lease lapses.
  const jobs = await deps.store.transaction((tx) => {
    const now = deps.clock.now();
    return tx.outbox.claim(now, now + (opts.leaseMs ?? DEFAULT_LEASE_MS), opts.limit ?? 100);
  });
  const runJob = async (job: OutboxJob): Promise<void> => {
    const p: Prepared = await deps.store.read(async (tx) => {
      const group = await tx.groups.byId(job.groupId);
      const request = await tx.requests.byId(job.requestId);
      return {
        job,
        group,
        account: await tx.accounts.byId(job.accountId),
        directory: group ? opts.directoryFor(group.directory) : undefined,
        expiresAt: request?.expiresAt ?? null,
        stillHeld: job.kind === 'revoke' && (await tx.requests.isGroupHeldBy(job.groupId, job.accountId, job.requestId)),
      };
    });
    let error: string | null = null;
    try {
      if (!p.group || !p.account) error = 'the group or account no longer exists';
      else if (!p.directory) error = `directory '${p.group.directory}' is not configured`;
      else if (job.kind === 'grant') await p.directory.addMember(p.group, p.account, p.expiresAt);
      else if (!p.stillHeld) await p.directory.removeMember(p.group, p.account);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    // PostgreSQL may run this callback more than once (a retried serialisation failure); what it
    // did is merged into the report from its return value, so only the attempt that committed counts.
    const outcome = await deps.store.transaction(async (tx): Promise<JobOutcome> => {
      const now = deps.clock.now();
      if (error !== null) {
        const attempts = job.attempts + 1;
        await tx.outbox.markFailed(job.id, attempts, now + backoffMs(attempts), error);
        return { failed: { jobId: job.id, requestId: job.requestId, kind: job.kind, group: p.group?.name ?? job.groupId, attempts, error } };
      }
      // Another node may have finished it after our lease lapsed: its outcome stands, not ours twice.
      if (!(await tx.outbox.markDone(job.id, now))) return {};
      const r = await tx.requests.byId(job.requestId);
      if (!r) return { applied: true };
      if (!p.stillHeld) await auditMembership(tx, r, job.kind, p.group!.name, p.account!.login, now);
      if ((await tx.outbox.openFor(job.requestId, job.kind)) > 0) return { applied: true };
      const after = await new Lifecycle(deps, tx, now).confirm(r, job.kind);
      const late = after.status === 'Expired' && r.status === 'Closing' && r.expiresAt !== null;
      return { applied: true, expiryLatenessMs: late ? now - r.expiresAt! : undefined };
    });
    if (outcome.applied) report.applied++;
    if (outcome.failed) report.failed.push(outcome.failed);
    if (outcome.expiryLatenessMs !== undefined) report.expiryLatenessMs.push(outcome.expiryLatenessMs);
  };
  // Jobs that share a request or a membership run in claim order, one after another; the others run
  // side by side, so a mass expiry's directory calls and commits overlap instead of queueing.
  await eachConcurrently(lanesOf(jobs), opts.concurrency ?? DEFAULT_CONCURRENCY, async (lane) => {
    for (const job of lane) await runJob(job);
  });
  return report;
}

/** Directory calls in flight at once per batch: enough to hide a directory's round trips. */
export const DEFAULT_CONCURRENCY = 16;

/**
 * The jobs split into lanes, each in claim order: two jobs share a lane when they share a request
 * (its last job confirms it, counting the others as done) or a group and account (a grant and a
 * revoke of one membership must reach the directory in order), directly or through other jobs.
 */
export function lanesOf(jobs: readonly OutboxJob[]): OutboxJob[][] {
  const parent = jobs.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const firstWith = new Map<string, number>();
  jobs.forEach((job, i) => {
    for (const key of [`request ${job.requestId}`, `member ${job.groupId} ${job.accountId}`]) {
      const j = firstWith.get(key);
      if (j === undefined) firstWith.set(key, i);
      else parent[root(i)] = root(j);
    }
  });
  const lanes = new Map<number, OutboxJob[]>();
  jobs.forEach((job, i) => {
    const r = root(i);
    const lane = lanes.get(r) ?? lanes.set(r, []).get(r)!;
    lane.push(job);
  });
  return [...lanes.values()];
}

/**
 * Runs `fn` over `items` with at most `limit` at a time. A failure stops the worker it happened in;
 * the others finish their current item and stop too, and the first failure is thrown once all have.
 */
async function eachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}
