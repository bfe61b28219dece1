import { DomainError } from '../domain/errors.js';
import { nextTimedEvent } from '../domain/request/next-timed-event.js';
import type { PamRequest } from '../domain/request/request.js';
import type { Instant } from '../domain/time.js';
import type { Deps } from './deps.js';
import { FIRST_BATCH, nextBatchSize } from './due/batch-size.js';
import { expireBatch } from './due/expire-batch.js';
import { Lifecycle } from './lifecycle.js';

export interface DueWorkReport {
  processed: number;
  failed: number;
  /** Milliseconds between when each expiry was due and when its revoke committed (read after the commit). */
  readonly expiryLatenessMs: number[];
  readonly errors: { requestId: string; message: string }[];
}

/** What one transaction did; merged into the report only once it committed. */
interface Tally {
  processed: number;
  /** When each expiry handled was due; its lateness is measured once the transaction has committed. */
  readonly expiredDue: Instant[];
}

async function step(lc: Lifecycle, r0: PamRequest, tally: Tally): Promise<void> {
  lc.clockTo(lc.deps.clock.now());
  // Re-read inside the transaction: another actor may have moved the request since it was listed.
  const r = await lc.tx.requests.byId(r0.id);
  if (!r) return;
  const timed = nextTimedEvent(r);
  if (timed === null || timed.at > lc.now) return;
  await lc.run(r, timed.event, null);
  if (timed.event.kind === 'ExpiryDue') tally.expiredDue.push(timed.at);
  tally.processed++;
}

/**
 * Runs `steps` in one transaction with one Lifecycle (a batch reads each role once); the tally
 * restarts with each attempt the store makes.
 */
async function inTransaction(deps: Deps, report: DueWorkReport, steps: (lc: Lifecycle, tally: Tally) => Promise<void>): Promise<void> {
  let tally: Tally = { processed: 0, expiredDue: [] };
  await deps.store.transaction(async (tx) => {
    tally = { processed: 0, expiredDue: [] };
    await steps(new Lifecycle(deps, tx, deps.clock.now()), tally);
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
  // A batch is one transaction and one commit. Unless told a fixed size, the first is small and the
  // next sized from how long the last took (batch-size.ts).
  let batchSize = opts.batchSize ?? FIRST_BATCH;
  const maxItems = opts.maxItems ?? 100_000;
  const report: DueWorkReport = { processed: 0, failed: 0, expiryLatenessMs: [], errors: [] };
  const skip = new Set<string>();
  while (report.processed + report.failed < maxItems) {
    let batch: PamRequest[] = [];
    const startedAt = deps.clock.now();
    try {
      await inTransaction(deps, report, async (lc, tally) => {
        const due = await lc.tx.requests.claimDue(lc.now, batchSize + skip.size);
        batch = due.filter((r) => !skip.has(r.id)).slice(0, batchSize);
        await lc.lockAccounts(batch.map((r) => r.creatorId));
        // Set-based expiry (issue 13): plain expiries end together in a few statements;
        // everything else, and the retry of a failed batch below, goes row by row.
        const { ended, rest } = await expireBatch(lc, batch);
        tally.processed += ended.length;
        for (const e of ended) tally.expiredDue.push(e.dueAt);
        for (const r of rest) await step(lc, r, tally);
      });
    } catch (e) {
      // Nothing was claimed (the store is down, say): the caller reports it and tries again later.
      if (batch.length === 0) throw e;
      // The batch rolled back: redo each item alone to find the failing ones.
      for (const r of batch) {
        try {
          await inTransaction(deps, report, (lc, tally) => step(lc, r, tally));
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
    if (opts.batchSize === undefined && batch.length === batchSize) batchSize = nextBatchSize(batchSize, deps.clock.now() - startedAt);
  }
  return report;
}
