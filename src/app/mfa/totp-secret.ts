import type { TotpFactor } from '../../ports/store.js';
import type { Deps } from '../deps.js';

/** The sealing context binds a TOTP secret to its account: a row copied to another account fails to open. */
const context = (accountId: string) => `totp:${accountId}`;

export function sealTotpSecret(deps: Deps, accountId: string, secret: string): string {
  return deps.secrets.seal(secret, context(accountId));
}

export function openTotpSecret(deps: Deps, f: TotpFactor): string {
  return deps.secrets.open(f.sealedSecret, context(f.accountId));
}
