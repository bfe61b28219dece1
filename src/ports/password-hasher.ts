/** Password hashing. Hashes are self-describing so parameters can be raised without a migration. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time with respect to the password; false for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean>;
}
