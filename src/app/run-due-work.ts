import { DomainError } from '../domain/errors.js';
import type { PamRequest } from '../domain/request/request.js';
import type { RequestEvent } from '../domain/request/transitions.js';
import { dueAt } from '../domain/request/request.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../ports/store.js';
import { settleApproval } from './close-request.js';
import type { Deps } from './deps.js';
import { expireBatch } from './due/expire-batch.js';
import { advance } from './lifecycle.js';

export interface DueWorkReport {
  processed: number;
  failed: number;
  /** Milliseconds between when each expiry was due and when its revoke committed (read after the commit). */
  readonly expiryLatenessMs: number[];
  readonly errors: { requestId: string; message: string }[];
}

/** The event time alone sends a due request; null when it is not (or no longer) time-driven. */
function dueEvent(r: PamRequest): RequestEvent | null {
  switch (r.status) {
    case 'PendingMFA':
    case 'PendingApproval':
      return { kind: 'TimedOut' };
    case 'Scheduled':
      return { kind: 'StartDue' };
    case 'Active':
      return { kind: 'ExpiryDue' };
    default:
      return null;
  }
}

/** What one transaction did; merged into the report only once it committed. */
interface Tally {
  processed: number;
  /** When each expiry handled was due; its lateness is measured once the transaction has committed. */
  readonly expiredDue: Instant[];
}

async function step(deps: Deps, tx: StoreTx, r0: PamRequest, tally: Tally): Promise<void> {
  const now = deps.clock.now();
  // Re-read inside the transaction: another actor may have moved the request since it was listed.
  const r = await tx.requests.byId(r0.id);
  if (!r) return;
  const due = dueAt(r);
  const event = dueEvent(r);
  if (due === null || due > now || !event) return;
  const after = await advance(deps, tx, r, event, null, now);
  if (event.kind === 'TimedOut') await settleApproval(tx, after, 'Expired', now, null);
  if (event.kind === 'ExpiryDue') tally.expiredDue.push(due);
  tally.processed++;
}

/** Runs `steps` in one transaction; the tally restarts with each attempt the store makes. */
async function inTransaction(deps: Deps, report: DueWorkReport, steps: (tx: StoreTx, tally: Tally) => Promise<void>): Promise<void> {
  let tally: Tally = { processed: 0, expiredDue: [] };
  await deps.store.transaction(async (tx) => {
    tally = { processed: 0, expiredDue: [] };
    await steps(tx, tally);
  });
  const committedAt = deps.clock.now();
  report.processed += tally.processed;
  for (const due of tally.expiredDue) report.expiryLatenessMs.push(committedAt - due);
}

/**
 * Does every time-driven step that is due, from durable state: scheduled starts, expiries, and
 * MFA/approval deadlines. Work overdue because the server was down is found the same way.
 * Each batch is claimed inside the transaction that handles it (several nodes take disjoint rows)
 * and shares it (one commit per batch); a batch that fails is retried item by item so one bad row
 * cannot hold back the others.
 */
export async function runDueWork(deps: Deps, opts: { batchSize?: number; maxItems?: number } = {}): Promise<DueWorkReport> {
  const batchSize = opts.batchSize ?? 200;
  const maxItems = opts.maxItems ?? 100_000;
  const report: DueWorkReport = { processed: 0, failed: 0, expiryLatenessMs: [], errors: [] };
  const skip = new Set<string>();
  while (report.processed + report.failed < maxItems) {
    let batch: PamRequest[] = [];
    try {
      await inTransaction(deps, report, async (tx, tally) => {
        const due = await tx.requests.claimDue(deps.clock.now(), batchSize + skip.size);
        batch = due.filter((r) => !skip.has(r.id)).slice(0, batchSize);
        // Set-based expiry hook (issue 13): plain expiries end together in a few statements;
        // everything else, and the retry of a failed batch below, goes row by row.
        const { ended, rest } = await expireBatch(deps, tx, batch, deps.clock.now());
        tally.processed += ended.length;
        for (const e of ended) tally.expiredDue.push(e.dueAt);
        for (const r of rest) await step(deps, tx, r, tally);
      });
    } catch (e) {
      // Nothing was claimed (the store is down, say): the caller reports it and tries again later.
      if (batch.length === 0) throw e;
      // The batch rolled back: redo each item alone to find the failing ones.
      for (const r of batch) {
        try {
          await inTransaction(deps, report, (tx, tally) => step(deps, tx, r, tally));
        } catch (e) {
          report.failed++;
          skip.add(r.id);
          report.errors.push({ requestId: r.id, message: e instanceof Error ? e.message : String(e) });
          // With the store down nothing else can succeed either; the next tick tries again.
          if (e instanceof DomainError && e.code === 'StoreUnavailable') return report;
        }
      }
    }
    if (batch.length === 0) break;
  }
  return report;
}
