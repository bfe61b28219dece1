import type { Kysely, Selectable } from 'kysely';
import type { Instant } from '../../../domain/time.js';
import type { AuditExportCursor, AuditExportRepo } from '../../../ports/store.js';
import type { Database } from './schema.js';

const toCursor = (r: Selectable<Database['audit_export_cursors']>): AuditExportCursor =>
  Object.freeze({ sink: r.sink, auditSeq: Number(r.audit_seq), checkpointSeq: Number(r.checkpoint_seq), sentAt: r.sent_at === null ? null : (Number(r.sent_at) as Instant) });

export class KyselyAuditExportRepo implements AuditExportRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(sink: string, holder: string, now: Instant, until: Instant): Promise<AuditExportCursor | null> {
    // One statement, so two nodes racing for a lapsed lease cannot both win: the conflicting
    // upsert re-checks the condition on the row as the first writer left it.
    const r = await this.db
      .insertInto('audit_export_cursors')
      .values({ sink, audit_seq: 0, checkpoint_seq: 0, sent_at: null, holder, lease_until: until })
      .onConflict((oc) =>
        oc
          .column('sink')
          .doUpdateSet({ holder, lease_until: until })
          .where((eb) => eb.or([eb('audit_export_cursors.holder', '=', holder), eb('audit_export_cursors.lease_until', '<=', now)])),
      )
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return null;
    return toCursor(await this.db.selectFrom('audit_export_cursors').selectAll().where('sink', '=', sink).executeTakeFirstOrThrow());
  }

  async advance(sink: string, holder: string, auditSeq: number, checkpointSeq: number, at: Instant): Promise<boolean> {
    const r = await this.db
      .updateTable('audit_export_cursors')
      .set({ audit_seq: auditSeq, checkpoint_seq: checkpointSeq, sent_at: at })
      .where('sink', '=', sink)
      .where('holder', '=', holder)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async release(sink: string, holder: string): Promise<void> {
    await this.db.updateTable('audit_export_cursors').set({ holder: null, lease_until: 0 }).where('sink', '=', sink).where('holder', '=', holder).execute();
  }

  async all(): Promise<AuditExportCursor[]> {
    return (await this.db.selectFrom('audit_export_cursors').selectAll().orderBy('sink').execute()).map(toCursor);
  }
}
