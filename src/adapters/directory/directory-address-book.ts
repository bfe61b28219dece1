import type { AddressBook } from '../../ports/address-book.js';

/** A directory that can tell a login's email address (LdapDirectory, by its `mailAttribute`). */
export interface EmailSource {
  readonly name: string;
  emailOf(login: string): Promise<string | null>;
}

/**
 * The configured LDAP directories as one address book: asked in the order the config lists them,
 * the first address found wins. A directory that cannot answer does not hide an address another one
 * has; only when none has one is its failure reported, so the caller retries instead of concluding
 * the person has no address.
 */
export class DirectoryAddressBook implements AddressBook {
  constructor(private readonly sources: readonly EmailSource[]) {}

  async emailOf(login: string): Promise<string | null> {
    let failure: unknown = null;
    for (const s of this.sources) {
      try {
        const address = await s.emailOf(login);
        if (address !== null) return address;
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== null) throw failure;
    return null;
  }
}
