import { DomainError } from '../../domain/errors.js';
import type { PamRequest } from '../../domain/request/request.js';
import type { Totp } from '../../ports/totp.js';
import type { Caller, Deps } from '../deps.js';
import { advance } from '../lifecycle.js';

/** Wrong codes allowed per request before it is refused. */
export const MAX_MFA_FAILURES = 5;

type Outcome = { ok: true; request: PamRequest } | { ok: false; error: DomainError };

/**
 * Passes (or fails) the MFA challenge of a PendingMFA request with a TOTP code. A code counts once:
 * its time step must be later than the last one accepted for the account. The failure count is
 * committed before the refusal is reported, so retries cannot reset it.
 */
export async function verifyMfaUseCase(deps: Deps, totp: Totp, caller: Caller, requestId: string, code: string): Promise<PamRequest> {
  const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
    const now = deps.clock.now();
    const r = await tx.requests.byId(requestId);
    if (!r || r.creatorId !== caller.accountId) throw new DomainError('RequestNotFound', `You have no request with id ${requestId}.`);
    if (r.status !== 'PendingMFA') {
      throw new DomainError('InvalidTransition', `The request is ${r.status}; it is not waiting for an MFA code.`, { status: r.status });
    }
    const factor = await tx.mfa.totp(caller.accountId);
    if (!factor || !factor.confirmed) {
      throw new DomainError('MfaNotEnrolled', 'You have no authenticator enrolled; enrol one (POST /api/mfa/totp) before requesting this role.');
    }
    const step = totp.matchStep(factor.secret, code.trim(), now);
    if (step !== null && step > factor.lastStep) {
      await tx.mfa.saveTotp({ ...factor, lastStep: step });
      await tx.audit.append({ at: now, actorId: caller.accountId, action: 'mfa.passed', targetType: 'request', targetId: r.id, requestId: r.id, before: null, after: null });
      return { ok: true, request: await advance(deps, tx, r, { kind: 'MfaPassed' }, caller.accountId, now) };
    }
    const failures = (await tx.mfa.failures(r.id)) + 1;
    await tx.mfa.setFailures(r.id, failures);
    const replay = step !== null;
    await tx.audit.append({
      at: now,
      actorId: caller.accountId,
      action: replay ? 'mfa.replayed' : 'mfa.failed',
      targetType: 'request',
      targetId: r.id,
      requestId: r.id,
      before: null,
      after: { failures },
    });
    if (failures >= MAX_MFA_FAILURES) {
      await advance(deps, tx, r, { kind: 'MfaFailed' }, caller.accountId, now);
      return { ok: false, error: new DomainError('MfaCodeRejected', `Too many wrong codes: the request was refused. Make a new request to try again.`) };
    }
    const why = replay ? 'That code was already used; wait for the next one.' : 'That code is not valid.';
    return { ok: false, error: new DomainError('MfaCodeRejected', `${why} ${MAX_MFA_FAILURES - failures} attempt(s) left.`) };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.request;
}
