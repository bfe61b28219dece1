import { DomainError } from '../../domain/errors.js';
import { requireAdmin } from '../admin/require-admin.js';
import type { Caller } from '../deps.js';

/**
 * Administrators change other people's factors (reset, provision, enrolment codes, lifting a
 * lockout), never their own through the API: otherwise an administrator's password alone would
 * pass their MFA. The operator at the server's console (LOCAL_OPERATOR) is nobody's account.
 */
export function requireAdminForOthers(caller: Caller, accountId: string): void {
  requireAdmin(caller);
  if (caller.accountId === accountId) {
    throw new DomainError('Forbidden', 'Administrators cannot change their own MFA through the administration API; ask another administrator, or use `elevate user` on the server.');
  }
}
