import type { Kysely, Selectable } from 'kysely';
import type { AuditCheckpoint } from '../../../domain/audit/checkpoint.js';
import type { AuditCheckpointRepo } from '../../../ports/store.js';
import type { Database } from './schema.js';

const toCheckpoint = (r: Selectable<Database['audit_checkpoints']>): AuditCheckpoint =>
  Object.freeze({ seq: Number(r.seq), hash: r.hash, at: Number(r.at) as AuditCheckpoint['at'], keyId: r.key_id, signature: r.signature });

export class KyselyAuditCheckpointRepo implements AuditCheckpointRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(c: AuditCheckpoint): Promise<boolean> {
    const r = await this.db
      .insertInto('audit_checkpoints')
      .values({ seq: c.seq, key_id: c.keyId, hash: c.hash, at: c.at, signature: c.signature })
      // Two nodes signing the same head at once: the first row stands, the second adds nothing.
      .onConflict((oc) => oc.columns(['seq', 'key_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async between(afterSeq: number, uptoSeq: number): Promise<AuditCheckpoint[]> {
    const rows = await this.db.selectFrom('audit_checkpoints').selectAll().where('seq', '>', afterSeq).where('seq', '<=', uptoSeq).orderBy('seq').orderBy('at').execute();
    const bySeq = new Map(rows.map((r) => [Number(r.seq), toCheckpoint(r)]));
    return [...bySeq.values()];
  }

  async latest(): Promise<AuditCheckpoint | undefined> {
    const r = await this.db.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').orderBy('at', 'desc').limit(1).executeTakeFirst();
    return r && toCheckpoint(r);
  }
}
