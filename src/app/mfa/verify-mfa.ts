import type { AuditAction } from '../../domain/audit/actions.js';
import { DomainError } from '../../domain/errors.js';
import { auditRequest } from '../audit/audit-trail.js';
import type { PamRequest } from '../../domain/request/request.js';
import type { StoreTx } from '../../ports/store.js';
import type { RelyingParty } from '../../ports/webauthn.js';
import type { Caller, Deps } from '../deps.js';
import { inLifecycle } from '../lifecycle.js';
import { checkProof } from './check-proof.js';
import { MAX_MFA_FAILURES, type MfaKit, type MfaProof } from './mfa-kit.js';
import { startPasskeyChallenge } from './passkey-challenge.js';

type Outcome = { ok: true; request: PamRequest } | { ok: false; error: DomainError };

/** The caller's own request, waiting for MFA; anyone else's answers as if it did not exist. */
async function pendingMfaRequest(tx: StoreTx, caller: Caller, requestId: string): Promise<PamRequest> {
  const r = await tx.requests.byId(requestId);
  if (!r || r.creatorId !== caller.accountId) throw new DomainError('RequestNotFound', `You have no request with id ${requestId}.`);
  if (r.status !== 'PendingMFA') {
    throw new DomainError('InvalidTransition', `The request is ${r.status}; it is not waiting for MFA.`, { status: r.status });
  }
  return r;
}

/** Passkey options for the challenge of one of the caller's PendingMFA requests. */
export async function requestPasskeyOptions(deps: Deps, kit: MfaKit, caller: Caller, requestId: string, rp: RelyingParty) {
  return deps.store.transaction(async (tx) => {
    const r = await pendingMfaRequest(tx, caller, requestId);
    return startPasskeyChallenge(kit, tx, { purpose: 'request', subjectId: r.id, accountId: caller.accountId }, rp, deps.clock.now());
  });
}

/**
 * Passes (or fails) the MFA challenge of a PendingMFA request with a TOTP code or a passkey
 * assertion. Codes and assertions share one failure count; it is committed before the refusal is
 * reported, so retries cannot reset it, and the last allowed failure refuses the request.
 */
export async function verifyMfaUseCase(deps: Deps, kit: MfaKit, caller: Caller, requestId: string, proof: MfaProof): Promise<PamRequest> {
  const outcome = await inLifecycle(deps, async (lc, tx): Promise<Outcome> => {
    const now = lc.now;
    const r = await pendingMfaRequest(tx, caller, requestId);
    const checked = await checkProof(deps, kit, tx, { purpose: 'request', subjectId: r.id, accountId: caller.accountId }, proof, now);
    const audit = (action: AuditAction, after: Record<string, unknown>) => auditRequest(tx, r.id, { at: now, actorId: caller.accountId, action, before: null, after });
    if (checked.ok) {
      await audit('mfa.passed', { factor: checked.factor, ...(checked.passkeyName !== undefined && { passkey: checked.passkeyName }) });
      return { ok: true, request: await lc.run(r, { kind: 'MfaPassed' }, caller.accountId) };
    }
    const failures = (await tx.mfa.failures(r.id)) + 1;
    await tx.mfa.setFailures(r.id, failures);
    await audit(checked.replay ? 'mfa.replayed' : 'mfa.failed', { factor: checked.factor, failures });
    if (failures >= MAX_MFA_FAILURES) {
      await lc.run(r, { kind: 'MfaFailed' }, caller.accountId);
      return { ok: false, error: new DomainError('MfaCodeRejected', `Too many failed MFA attempts: the request was refused. Make a new request to try again.`) };
    }
    return { ok: false, error: new DomainError('MfaCodeRejected', `${checked.why} ${MAX_MFA_FAILURES - failures} attempt(s) left.`) };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.request;
}
