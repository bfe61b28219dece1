import { type ExportRecord, exportedCheckpoint, exportedEntry } from '../../domain/audit/export-record.js';
import { GENESIS_HASH } from '../../domain/audit/hash-chain.js';
import type { Instant } from '../../domain/time.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import type { Deps } from '../deps.js';

export interface AuditExportOptions {
  /** This node's id: the holder of the leases it takes. */
  readonly holder: string;
  readonly leaseMs: number;
  /** Audit entries per batch (an HTTP POST, a run of syslog messages, an fsynced append). */
  readonly batchSize: number;
  readonly sendTimeoutMs: number;
  /** Batches one pass sends at most before it lets the loop breathe. */
  readonly maxBatches?: number;
}

export interface AuditExportReport {
  readonly sink: string;
  /** False when another node holds this sink's lease (it sends; this node waits). */
  readonly held: boolean;
  readonly entries: number;
  readonly checkpoints: number;
  /** Audit entries not yet accepted by the sink, after this pass. */
  readonly lagRecords: number;
  /** How long the oldest entry not yet accepted has waited (0 when none). */
  readonly lagMs: number;
  /** Why the last batch was not accepted, or null. */
  readonly error: string | null;
}

/**
 * One pass of one sink's export: takes (or renews) the sink's lease, then sends batches from its
 * cursor on, each entry with its previous hash and each stored checkpoint right after the entry it
 * covers, and moves the cursor only after the sink accepted the batch. At least once: a crash
 * between the two sends the batch again; never a gap, since the cursor never passes an unsent entry.
 */
export async function exportAuditPass(deps: Deps, sink: AuditSink, opts: AuditExportOptions): Promise<AuditExportReport> {
  let entries = 0;
  let checkpoints = 0;
  let error: string | null = null;
  for (let batch = 0; batch < (opts.maxBatches ?? 20); batch++) {
    const plan = await deps.store.transaction(async (tx) => {
      const now = deps.clock.now();
      const cursor = await tx.auditExport.claim(sink.name, opts.holder, now, now + opts.leaseMs);
      if (!cursor) return null;
      const list = await tx.audit.after(cursor.auditSeq, opts.batchSize);
      const uptoSeq = list.at(-1)?.seq ?? cursor.auditSeq;
      const cps = await tx.auditCheckpoints.between(cursor.checkpointSeq, uptoSeq);
      let prev = cursor.auditSeq === 0 ? GENESIS_HASH : await tx.audit.hashAt(cursor.auditSeq);
      if (prev === undefined) throw new Error(`audit entry ${cursor.auditSeq}, where sink ${sink.name} stopped, is gone from the store; run \`elevate audit verify\``);
      const records: ExportRecord[] = [];
      let c = 0;
      // A checkpoint whose entry was sent in an earlier batch (signed after it went out) goes first.
      for (const e of list) {
        while (c < cps.length && cps[c]!.seq < e.seq) records.push(exportedCheckpoint(cps[c++]!));
        records.push(exportedEntry(e, prev));
        prev = e.hash;
      }
      while (c < cps.length) records.push(exportedCheckpoint(cps[c++]!));
      return { cursor, records, uptoSeq, checkpointSeq: cps.at(-1)?.seq ?? cursor.checkpointSeq, full: list.length === opts.batchSize, entries: list.length, checkpoints: cps.length };
    });
    if (!plan) return { sink: sink.name, held: false, entries, checkpoints, ...(await exportLag(deps, sink.name)), error: null };
    if (plan.records.length === 0) break;
    error = await sendWithTimeout(sink, plan.records, opts.sendTimeoutMs);
    if (error !== null) break;
    const kept = await deps.store.transaction((tx) => tx.auditExport.advance(sink.name, opts.holder, plan.uptoSeq, plan.checkpointSeq, deps.clock.now()));
    if (!kept) break; // the lease lapsed mid-send and another node took over: it resends from the cursor
    entries += plan.entries;
    checkpoints += plan.checkpoints;
    if (!plan.full) break;
  }
  const lag = await exportLag(deps, sink.name);
  return { sink: sink.name, held: true, entries, checkpoints, ...lag, error };
}

/** How far a sink is behind the head: entries not yet sent, and how long the oldest has waited. */
export async function exportLag(deps: Deps, sinkName: string): Promise<{ lagRecords: number; lagMs: number }> {
  return deps.store.read(async (tx) => {
    const cursor = (await tx.auditExport.all()).find((c) => c.sink === sinkName);
    const from = cursor?.auditSeq ?? 0;
    const head = (await tx.audit.head())?.seq ?? 0;
    const oldest = head > from ? (await tx.audit.after(from, 1))[0] : undefined;
    return { lagRecords: Math.max(0, head - from), lagMs: oldest ? Math.max(0, deps.clock.now() - (oldest.at as Instant)) : 0 };
  });
}

async function sendWithTimeout(sink: AuditSink, records: readonly ExportRecord[], timeoutMs: number): Promise<string | null> {
  // A timer of our own rather than AbortSignal.timeout, whose unref'd timer lets a lone pass hang.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    await sink.send(records, abort.signal);
    return null;
  } catch (e) {
    return abort.signal.aborted ? `no answer within ${timeoutMs} ms` : e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
  }
}
