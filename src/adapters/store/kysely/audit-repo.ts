import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry, StoredAuditEntry } from '../../../domain/audit/audit-entry.js';
import { GENESIS_HASH, chainText } from '../../../domain/audit/hash-chain.js';
import type { AuditQuery, AuditRepo } from '../../../ports/store.js';
import type { AuditTable, Database } from './schema.js';
import type { SqlTraits } from './store-tx.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: SqlTraits,
  ) {}

  /**
   * Must run inside the caller's write transaction. The chain lock (a no-op where the store has a
   * single writer) makes concurrent appends queue until the previous appender commits, so the read
   * of the last entry below sees it and each entry links to the one truly before it.
   */
  async append(e: AuditEntry): Promise<StoredAuditEntry> {
    await this.traits.lockAuditChain(this.db);
    const last = await this.db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const seq = last ? Number(last.seq) + 1 : 1;
    // Round-trip through JSON so the hash covers exactly what is stored and read back.
    const before = e.before === undefined || e.before === null ? null : JSON.stringify(e.before);
    const after = e.after === undefined || e.after === null ? null : JSON.stringify(e.after);
    const stored = { ...e, before: before === null ? null : JSON.parse(before), after: after === null ? null : JSON.parse(after) };
    const hash = sha256(chainText(last?.hash ?? GENESIS_HASH, seq, stored));
    await this.db
      .insertInto('audit')
      .values({
        seq,
        at: e.at,
        actor_id: e.actorId,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        request_id: e.requestId,
        before_json: before,
        after_json: after,
        hash,
      })
      .execute();
    return Object.freeze({ ...stored, seq, hash });
  }

  async list(q: AuditQuery): Promise<StoredAuditEntry[]> {
    let qb = this.db.selectFrom('audit').selectAll();
    if (q.requestId !== undefined) qb = qb.where('request_id', '=', q.requestId);
    if (q.actorId !== undefined) qb = qb.where('actor_id', '=', q.actorId);
    if (q.action !== undefined) qb = qb.where('action', '=', q.action);
    if (q.actions !== undefined) qb = qb.where('action', 'in', q.actions.length > 0 ? q.actions : ['']);
    if (q.since !== undefined) qb = qb.where('at', '>=', q.since);
    if (q.until !== undefined) qb = qb.where('at', '<', q.until);
    const rows = await qb.orderBy('seq', 'desc').limit(q.limit).execute();
    return rows.reverse().map(toEntry);
  }

  verifyChain(from?: { seq: number; hash: string }): Promise<{ checked: number; brokenAtSeq: number | null }> {
    return verifyAuditChain(this.all(from?.seq), from);
  }

  async head(): Promise<{ seq: number; hash: string } | undefined> {
    const r = await this.db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return r && { seq: Number(r.seq), hash: r.hash };
  }

  async hashAt(seq: number): Promise<string | undefined> {
    return (await this.db.selectFrom('audit').select('hash').where('seq', '=', seq).executeTakeFirst())?.hash;
  }

  async *all(afterSeq = 0): AsyncIterable<StoredAuditEntry> {
    let after = afterSeq;
    for (;;) {
      const rows = await this.db.selectFrom('audit').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
      if (rows.length === 0) return;
      for (const r of rows) yield toEntry(r);
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
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
