import { DomainError } from '../domain/errors.js';
import type { PamRequest } from '../domain/request/request.js';
import type { RequestEvent } from '../domain/request/transitions.js';
import { dueAt } from '../domain/request/request.js';
import type { StoreTx } from '../ports/store.js';
import { settleApproval } from './close-request.js';
import type { Deps } from './deps.js';
import { advance } from './lifecycle.js';

export interface DueWorkReport {
  processed: number;
  failed: number;
  /** Milliseconds between when each expiry was due and when its revoke committed. */
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

async function step(deps: Deps, tx: StoreTx, id: string, report: DueWorkReport): Promise<void> {
  const now = deps.clock.now();
  // Re-read inside the transaction: another actor may have moved the request since it was listed.
  const r = await tx.requests.byId(id);
  if (!r) return;
  const due = dueAt(r);
  const event = dueEvent(r);
  if (due === null || due > now || !event) return;
  const after = await advance(deps, tx, r, event, null, now);
  if (event.kind === 'TimedOut') await settleApproval(tx, after, 'Expired', now, null);
  if (event.kind === 'ExpiryDue') report.expiryLatenessMs.push(now - due);
  report.processed++;
}

/**
 * Does every time-driven step that is due, from durable state: scheduled starts, expiries, and
 * MFA/approval deadlines. Work overdue because the server was down is found the same way.
 * Batches share a transaction (one fsync per batch); a batch that fails is retried item by item so
 * one bad row cannot hold back the others.
 */
export async function runDueWork(deps: Deps, opts: { batchSize?: number; maxItems?: number } = {}): Promise<DueWorkReport> {
  const batchSize = opts.batchSize ?? 200;
  const maxItems = opts.maxItems ?? 100_000;
  const report: DueWorkReport = { processed: 0, failed: 0, expiryLatenessMs: [], errors: [] };
  const skip = new Set<string>();
  while (report.processed + report.failed < maxItems) {
    const due = (await deps.store.read((tx) => tx.requests.due(deps.clock.now(), batchSize + skip.size))).filter(
      (r) => !skip.has(r.id),
    );
    if (due.length === 0) break;
    const batch = due.slice(0, batchSize);
    const mark = { processed: report.processed, lateness: report.expiryLatenessMs.length };
    try {
      await deps.store.transaction(async (tx) => {
        for (const r of batch) await step(deps, tx, r.id, report);
      });
    } catch {
      // The batch rolled back: undo its tallies and redo each item alone to find the failing ones.
      report.processed = mark.processed;
      report.expiryLatenessMs.length = mark.lateness;
      for (const r of batch) {
        try {
          await deps.store.transaction((tx) => step(deps, tx, r.id, report));
        } catch (e) {
          report.failed++;
          skip.add(r.id);
          report.errors.push({ requestId: r.id, message: e instanceof Error ? e.message : String(e) });
          // With the store down nothing else can succeed either; the next tick tries again.
          if (e instanceof DomainError && e.code === 'StoreUnavailable') return report;
        }
      }
    }
  }
  return report;
}
