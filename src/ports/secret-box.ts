/**
 * Authenticated encryption of small secrets at rest (TOTP shared secrets). The store only ever
 * sees sealed values; the key never leaves the adapter.
 */
export interface SecretBox {
  /**
   * Seals `plaintext`, bound to `context` (for example `totp:<account id>`): a sealed value copied
   * to another row does not open there.
   */
  seal(plaintext: string, context: string): string;
  /**
   * Opens a value sealed with this key and `context`. Throws when the key is not the one it was
   * sealed with or the value was altered: a wrong key must fail loudly, never yield garbage.
   */
  open(sealed: string, context: string): string;
  /** Whether `value` is in the sealed format, as opposed to a plaintext secret from before sealing existed. */
  isSealed(value: string): boolean;
  /** A short public fingerprint of the key, for messages that must say which key is in use. */
  readonly keyId: string;
}
