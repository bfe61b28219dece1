import * as crypto from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditEntry, StoredAuditEntry } from '../../../domain/audit/audit-entry.js';
import { GENESIS_HASH, chainText, chainTextOfStored } from '../../../domain/audit/hash-chain.js';
import type { AuditQuery, AuditRepo } from '../../../ports/store.js';
import { chunks } from './chunks.js';
import { type CellType, JSON_ROWS_PER_STATEMENT } from './json-rows.js';
import type { AuditTable, Database } from './schema.js';
import type { SqlTraits } from './sql-traits.js';

/** The audit table's columns, in the order a JSON-passed row gives them. */
const AUDIT_COLUMNS: readonly { readonly name: keyof AuditTable; readonly type: CellType }[] = [
  { name: 'seq', type: 'bigint' },
  { name: 'at', type: 'bigint' },
  { name: 'actor_id', type: 'text' },
  { name: 'action', type: 'text' },
  { name: 'target_type', type: 'text' },
  { name: 'target_id', type: 'text' },
  { name: 'request_id', type: 'text' },
  { name: 'before_json', type: 'text' },
  { name: 'after_json', type: 'text' },
  { name: 'hash', type: 'text' },
];

/** One-shot hashing (Node 20.12 and later) skips a Hash object per entry; the digest is the same. */
const sha256: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');

const toEntry = (r: Selectable<AuditTable>): StoredAuditEntry =>
  Object.freeze({
    seq: Number(r.seq),
    at: Number(r.at),
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type as StoredAuditEntry['targetType'],
    targetId: r.target_id,
    requestId: r.request_id,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
    hash: r.hash,
  });

export class KyselyAuditRepo implements AuditRepo {
  /**
   * Entries this transaction recorded and has not written yet. They join the chain together when
   * the transaction finishes (`flush`), so the chain lock, which every writer on every node queues
   * for until the holder commits, is held for the last few statements of a transaction rather than
   * from its first audited step onward.
   */
  #pending: AuditEntry[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  async append(e: AuditEntry): Promise<void> {
    this.#pending.push(e);
  }

  async appendMany(entries: readonly AuditEntry[]): Promise<void> {
    this.#pending.push(...entries);
  }

  /**
   * Writes the recorded entries at the head of the chain: one chain lock (a no-op where the store has
   * a single writer), one read of the head, a multi-row insert per slice. Must run inside the
   * caller's write transaction, last: concurrent appenders then queue until this one commits, so the
   * head read here is the entry truly before the first new one.
   */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const entries = this.#pending;
    this.#pending = [];
    await this.traits.lockAuditChain(this.db);
    const rows = chained(await this.#readHead(), entries);
    // Each slice's rows as one JSON parameter (json-rows.ts): one short statement, whatever its size.
    for (const part of chunks(rows, JSON_ROWS_PER_STATEMENT)) {
      const table = this.traits.jsonRows(part.map((r) => AUDIT_COLUMNS.map((c) => r[c.name])), AUDIT_COLUMNS);
      await sql`insert into ${sql.table('audit')} (${sql.join(AUDIT_COLUMNS.map((c) => sql.ref(c.name)))}) select * from ${table} as a`.execute(this.db);
    }
  }

  /** Whether entries were recorded and not yet written (a read-only transaction must have none). */
  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  async list(q: AuditQuery): Promise<StoredAuditEntry[]> {
    await this.flush();
    let qb = this.db.selectFrom('audit').selectAll();
    if (q.requestId !== undefined) qb = qb.where('request_id', '=', q.requestId);
    if (q.actorId !== undefined) qb = qb.where('actor_id', '=', q.actorId);
    if (q.action !== undefined) qb = qb.where('action', '=', q.action);
    if (q.actions !== undefined) qb = qb.where('action', 'in', q.actions.length > 0 ? q.actions : ['']);
    if (q.since !== undefined) qb = qb.where('at', '>=', q.since);
    if (q.until !== undefined) qb = qb.where('at', '<', q.until);
    if (q.beforeSeq !== undefined) qb = qb.where('seq', '<', q.beforeSeq);
    const rows = await qb.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.reverse().map(toEntry);
  }

  verifyChain(from?: { seq: number; hash: string }): Promise<{ checked: number; brokenAtSeq: number | null }> {
    return verifyAuditChain(this.all(from?.seq), from);
  }

  async head(): Promise<{ seq: number; hash: string } | undefined> {
    await this.flush();
    return this.#readHead();
  }

  async #readHead(): Promise<{ seq: number; hash: string } | undefined> {
    const r = await this.db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r && { seq: Number(r.seq), hash: r.hash };
  }

  async after(afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    await this.flush();
    return (await this.db.selectFrom('audit').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()).map(toEntry);
  }

  async hashAt(seq: number): Promise<string | undefined> {
    await this.flush();
    return (await this.db.selectFrom('audit').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash;
  }

  async *all(afterSeq = 0): AsyncIterable<StoredAuditEntry> {
    await this.flush();
    let after = afterSeq;
    for (;;) {
      const rows = await this.db.selectFrom('audit').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
      if (rows.length === 0) return;
      for (const r of rows) yield toEntry(r);
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
}

/** The rows for `entries` chained after `last` (the head; undefined when the trail is empty). */
function chained(last: { seq: number; hash: string } | undefined, entries: readonly AuditEntry[]): Selectable<AuditTable>[] {
  let seq = last?.seq ?? 0;
  let prev = last?.hash ?? GENESIS_HASH;
  return entries.map((e) => {
    seq++;
    // The hash covers exactly what is stored and read back: the serialised before and after.
    const before = e.before === undefined || e.before === null ? null : JSON.stringify(e.before);
    const after = e.after === undefined || e.after === null ? null : JSON.stringify(e.after);
    prev = sha256(chainTextOfStored(prev, seq, e, before, after));
    return {
      seq,
      at: e.at,
      actor_id: e.actorId,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      request_id: e.requestId,
      before_json: before,
      after_json: after,
      hash: prev,
    };
  });
}

/** Recomputes the chain; `brokenAtSeq` is the first seq whose hash does not match, or null when intact. */
export async function verifyAuditChain(
  entries: AsyncIterable<StoredAuditEntry>,
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): Promise<{ checked: number; brokenAtSeq: number | null }> {
  let prev = from.hash;
  let checked = 0;
  for await (const e of entries) {
    checked++;
    if (e.seq !== from.seq + checked || sha256(chainText(prev, e.seq, e)) !== e.hash) return { checked, brokenAtSeq: e.seq };
    prev = e.hash;
  }
  return { checked, brokenAtSeq: null };
}
