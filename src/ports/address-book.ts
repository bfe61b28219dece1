/**
 * Where the email address of a person without one on file is found: the directories their accounts
 * come from (an LDAP entry's `mail`, or the attribute configured). Read when a notification fans
 * out and again when it is sent, so a changed address is used at once.
 */
export interface AddressBook {
  /** The address of `login`, or null when no directory has one. Throws when a directory cannot answer. */
  emailOf(login: string): Promise<string | null>;
}
