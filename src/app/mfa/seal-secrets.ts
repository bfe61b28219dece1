import { DomainError } from '../../domain/errors.js';
import type { Deps } from '../deps.js';
import { openTotpSecret, sealTotpSecret } from './totp-secret.js';

const KEY_CHECK = 'mfa.key-check';
const KEY_CHECK_TEXT = 'elevate mfa key check';

export interface SealReport {
  /** Plaintext secrets (from before sealing existed) sealed by this start. */
  readonly sealed: number;
  /** Sealed secrets checked to open with the configured key. */
  readonly checked: number;
}

/**
 * Start-up step: proves the configured key is the one the store's secrets were sealed with, and
 * seals any plaintext secret left from an older version, in one transaction. A wrong key throws
 * here, before the server listens, instead of failing each sign-in later.
 */
export async function sealStoredSecrets(deps: Deps): Promise<SealReport> {
  return deps.store.transaction(async (tx) => {
    const check = await tx.settings.get(KEY_CHECK);
    if (check === undefined) await tx.settings.set(KEY_CHECK, deps.secrets.seal(KEY_CHECK_TEXT, KEY_CHECK));
    else openOrExplain(() => deps.secrets.open(check, KEY_CHECK));
    let sealed = 0;
    let checked = 0;
    for (const f of await tx.mfa.allTotp()) {
      if (deps.secrets.isSealed(f.sealedSecret)) {
        openOrExplain(() => openTotpSecret(deps, f));
        checked++;
        continue;
      }
      // Stores written before sealing existed hold the base32 secret itself.
      await tx.mfa.saveTotp({ ...f, sealedSecret: sealTotpSecret(deps, f.accountId, f.sealedSecret) });
      sealed++;
    }
    return { sealed, checked };
  });
}

function openOrExplain(open: () => unknown): void {
  try {
    open();
  } catch (e) {
    throw new DomainError(
      'StoreUnavailable',
      `The MFA key does not open the secrets in this store (${(e as Error).message}). ` +
        'Configure the key the store was written with (mfaKey, mfaKeyFile, or the data directory\'s mfa.key); refusing to start.',
    );
  }
}
