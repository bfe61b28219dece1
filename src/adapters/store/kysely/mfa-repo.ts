import type { Kysely, Selectable } from 'kysely';
import type { MfaAttempts } from '../../../domain/mfa/attempt-limit.js';
import type { ChallengePurpose, EnrolmentCode, MfaChallenge, MfaRepo, Passkey, TotpFactor } from '../../../ports/store.js';
import type { Database, PasskeyTable } from './schema.js';

export class KyselyMfaRepo implements MfaRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async totp(accountId: string): Promise<TotpFactor | undefined> {
    const r = await this.db.selectFrom('mfa_totp').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return r && toTotp(r);
  }

  async allTotp(): Promise<TotpFactor[]> {
    return (await this.db.selectFrom('mfa_totp').selectAll().orderBy('account_id').execute()).map(toTotp);
  }

  async saveTotp(f: TotpFactor): Promise<void> {
    const row = { secret: f.sealedSecret, confirmed: f.confirmed ? 1 : 0, last_step: f.lastStep, created_at: f.createdAt };
    await this.db
      .insertInto('mfa_totp')
      .values({ account_id: f.accountId, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
  }

  async removeAll(accountId: string): Promise<void> {
    await this.db.deleteFrom('mfa_totp').where('account_id', '=', accountId).execute();
    await this.db.deleteFrom('mfa_passkeys').where('account_id', '=', accountId).execute();
    await this.db.deleteFrom('mfa_challenges').where('account_id', '=', accountId).execute();
    await this.db.deleteFrom('mfa_enrolment_codes').where('account_id', '=', accountId).execute();
  }

  async failures(requestId: string): Promise<number> {
    const r = await this.db.selectFrom('request_mfa').select('failures').where('request_id', '=', requestId).executeTakeFirst();
    return r?.failures ?? 0;
  }

  async setFailures(requestId: string, n: number): Promise<void> {
    await this.db
      .insertInto('request_mfa')
      .values({ request_id: requestId, failures: n })
      .onConflict((oc) => oc.column('request_id').doUpdateSet({ failures: n }))
      .execute();
  }

  async stepUpFailures(approvalId: string, accountId: string): Promise<number> {
    const r = await this.db
      .selectFrom('mfa_step_up_failures')
      .select('failures')
      .where('approval_id', '=', approvalId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return r?.failures ?? 0;
  }

  async setStepUpFailures(approvalId: string, accountId: string, n: number): Promise<void> {
    await this.db
      .insertInto('mfa_step_up_failures')
      .values({ approval_id: approvalId, account_id: accountId, failures: n })
      .onConflict((oc) => oc.columns(['approval_id', 'account_id']).doUpdateSet({ failures: n }))
      .execute();
  }

  async passkeys(accountId: string): Promise<Passkey[]> {
    const rows = await this.db.selectFrom('mfa_passkeys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toPasskey);
  }

  async passkey(id: string): Promise<Passkey | undefined> {
    const r = await this.db.selectFrom('mfa_passkeys').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toPasskey(r);
  }

  async insertPasskey(p: Passkey): Promise<void> {
    await this.db
      .insertInto('mfa_passkeys')
      .values({
        id: p.id,
        account_id: p.accountId,
        name: p.name,
        public_key: p.publicKey,
        counter: p.counter,
        transports: JSON.stringify(p.transports),
        device_type: p.deviceType,
        backed_up: p.backedUp ? 1 : 0,
        created_at: p.createdAt,
        last_used_at: p.lastUsedAt,
      })
      .execute();
  }

  async usePasskey(id: string, counter: number, at: number): Promise<void> {
    await this.db.updateTable('mfa_passkeys').set({ counter, last_used_at: at }).where('id', '=', id).execute();
  }

  async removePasskey(accountId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('mfa_passkeys').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async putChallenge(c: MfaChallenge): Promise<void> {
    const row = { challenge: c.challenge, expires_at: c.expiresAt };
    await this.db
      .insertInto('mfa_challenges')
      .values({ purpose: c.purpose, subject_id: c.subjectId, account_id: c.accountId, ...row })
      .onConflict((oc) => oc.columns(['purpose', 'subject_id', 'account_id']).doUpdateSet(row))
      .execute();
  }

  async takeChallenge(purpose: ChallengePurpose, subjectId: string, accountId: string): Promise<MfaChallenge | undefined> {
    const key = { purpose, subject_id: subjectId, account_id: accountId };
    const r = await this.db.selectFrom('mfa_challenges').selectAll().where((eb) => eb.and(key)).executeTakeFirst();
    if (!r) return undefined;
    await this.db.deleteFrom('mfa_challenges').where((eb) => eb.and(key)).execute();
    return { purpose, subjectId, accountId, challenge: r.challenge, expiresAt: Number(r.expires_at) };
  }

  async purgeChallenges(now: number): Promise<void> {
    await this.db.deleteFrom('mfa_challenges').where('expires_at', '<', now).execute();
  }

  async attempts(accountId: string): Promise<MfaAttempts | undefined> {
    const r = await this.db.selectFrom('mfa_attempts').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return r && toAttempts(r);
  }

  async saveAttempts(a: MfaAttempts): Promise<void> {
    const row = { failures: a.failures, last_failure_at: a.lastFailureAt, locked_at: a.lockedAt };
    await this.db
      .insertInto('mfa_attempts')
      .values({ account_id: a.accountId, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
  }

  async allAttempts(): Promise<MfaAttempts[]> {
    const rows = await this.db.selectFrom('mfa_attempts').selectAll().where((eb) => eb.or([eb('failures', '>', 0), eb('locked_at', 'is not', null)])).orderBy('account_id').execute();
    return rows.map(toAttempts);
  }

  async enrolmentCode(accountId: string): Promise<EnrolmentCode | undefined> {
    const r = await this.db.selectFrom('mfa_enrolment_codes').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    return r && { accountId: r.account_id, codeHash: r.code_hash, issuedBy: r.issued_by, issuedAt: Number(r.issued_at), expiresAt: Number(r.expires_at) };
  }

  async saveEnrolmentCode(c: EnrolmentCode): Promise<void> {
    const row = { code_hash: c.codeHash, issued_by: c.issuedBy, issued_at: c.issuedAt, expires_at: c.expiresAt };
    await this.db
      .insertInto('mfa_enrolment_codes')
      .values({ account_id: c.accountId, ...row })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
      .execute();
  }

  async removeEnrolmentCode(accountId: string): Promise<void> {
    await this.db.deleteFrom('mfa_enrolment_codes').where('account_id', '=', accountId).execute();
  }
}

function toAttempts(r: Selectable<Database['mfa_attempts']>): MfaAttempts {
  return {
    accountId: r.account_id,
    failures: Number(r.failures),
    lastFailureAt: r.last_failure_at === null ? null : Number(r.last_failure_at),
    lockedAt: r.locked_at === null ? null : Number(r.locked_at),
  };
}

function toTotp(r: Selectable<Database['mfa_totp']>): TotpFactor {
  return {
    accountId: r.account_id,
    sealedSecret: r.secret,
    confirmed: r.confirmed === 1,
    lastStep: Number(r.last_step),
    createdAt: Number(r.created_at),
  };
}

function toPasskey(r: Selectable<PasskeyTable>): Passkey {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    publicKey: r.public_key,
    counter: Number(r.counter),
    transports: JSON.parse(r.transports) as string[],
    deviceType: r.device_type,
    backedUp: r.backed_up === 1,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}
