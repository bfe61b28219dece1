import { requireAdmin } from '../admin/require-admin.js';
import { accountByLogin } from '../admin/users.js';
import type { Caller, Deps } from '../deps.js';
import { type PasskeyView, passkeyView } from './passkeys.js';

/** Which factors an account has, without any secret. */
export interface MfaFactors {
  readonly login: string;
  readonly totp: { readonly confirmed: boolean; readonly createdAt: number } | null;
  readonly passkeys: readonly PasskeyView[];
}

/** The caller's own factors, or (administrators only) anyone's. */
export async function mfaFactors(deps: Deps, caller: Caller, login: string): Promise<MfaFactors> {
  if (caller.login.toLowerCase() !== login.toLowerCase()) requireAdmin(caller);
  return deps.store.read(async (tx) => {
    const account = await accountByLogin(tx, login);
    const totp = await tx.mfa.totp(account.id);
    return {
      login: account.login,
      totp: totp ? { confirmed: totp.confirmed, createdAt: totp.createdAt } : null,
      passkeys: (await tx.mfa.passkeys(account.id)).map(passkeyView),
    };
  });
}
