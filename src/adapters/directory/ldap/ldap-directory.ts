import {
  AlreadyExistsError,
  Attribute,
  Change,
  type Client,
  InvalidSyntaxError,
  NoSuchAttributeError,
  NoSuchObjectError,
  ObjectClassViolationError,
  TypeOrValueExistsError,
  UnwillingToPerformError,
} from 'ldapts';
import type { Account } from '../../../domain/account/account.js';
import { DomainError } from '../../../domain/errors.js';
import type { Group, MemberAttribute } from '../../../domain/group/group.js';
import type { Instant } from '../../../domain/time.js';
import type { Directory } from '../../../ports/directory.js';
import { encodeTimeLimitedMember, memberDnOf } from './ad-ttl.js';
import { isWithin, leadingRdnValue, sameDn } from './dn.js';
import { type DirectoryUser, findUser, readAttribute, userNotFound, valuesOf } from './entries.js';
import type { LdapDirectoryConfig } from './ldap-config.js';
import { operationFailure, withServiceSession } from './ldap-connection.js';
import { LdapFailure } from './ldap-errors.js';

export interface LdapDirectoryOptions {
  /** Epoch milliseconds; only the AD time-limited values read it. */
  readonly now: () => number;
  /** Where `bindPasswordEnv` is looked up; the process environment unless given. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

interface Target {
  readonly dn: string;
  readonly attribute: MemberAttribute;
}

const change = (operation: 'add' | 'delete', type: string, values: string[]) =>
  new Change({ operation, modification: new Attribute({ type, values }) });

// Active Directory reports membership no-ops with its own codes rather than LDAP's: adding a
// present member is entryAlreadyExists (68, "00000562: ... ENTRY_EXISTS"), and removing an absent
// one is unwillingToPerform (53, "00000561: ... WILL_NOT_PERFORM"). entryAlreadyExists cannot
// otherwise answer a modify, so it needs no closer look; unwillingToPerform can, so it does.
const alreadyMember = (e: unknown) => e instanceof TypeOrValueExistsError || e instanceof AlreadyExistsError;
const notMember = (e: unknown) => e instanceof NoSuchAttributeError || (e instanceof UnwillingToPerformError && /^0*561\b/.test(e.message));

/** uniqueMember values may carry an optional unique identifier after the DN: `DN#'0101'B`. */
const withoutUid = (value: string) => value.replace(/#'[01]*'B$/, '');

/**
 * Group membership in an LDAP directory (OpenLDAP, Active Directory, ...). Every call opens its own
 * connection, binds as the service account and unbinds in the end: calls are rare (one per grant
 * or revoke), and a held connection would need reconnecting and rebinding logic of its own.
 *
 * Idempotent by contract (see ports/directory.ts): the server's "already a member" and "not a
 * member" answers are successes, so a retried outbox job converges instead of failing forever.
 */
export class LdapDirectory implements Directory {
  constructor(
    readonly name: string,
    private readonly config: LdapDirectoryConfig,
    private readonly opts: LdapDirectoryOptions,
  ) {}

  async addMember(group: Group, account: Account, expiresAt: Instant | null): Promise<void> {
    const target = this.#target(group);
    return this.#session(async (client) => {
      const user = await findUser(client, this.config, account.login);
      if (!user) throw userNotFound(this.config, account.login);
      const value = this.#memberValue(target, user, account, expiresAt);
      const what = `adding ${account.login} to ${target.dn}`;
      try {
        await client.modify(target.dn, change('add', target.attribute, [value]));
      } catch (e) {
        if (e instanceof ObjectClassViolationError) {
          throw new LdapFailure(
            'group',
            `${what} failed: the group's object classes do not allow ${target.attribute} (${e.message.split('\n')[0]}); check the group's member attribute`,
            e.code,
          );
        }
        if (!alreadyMember(e)) throw this.#modifyFailure(e, what, target, value);
        // Present already: that is success, except that a time-limited link must end at the new
        // expiry (an extension, or a retried grant). One modify deletes and re-adds it atomically,
        // so the member is never missing in between.
        if (value !== user.dn && target.attribute !== 'memberUid') {
          try {
            await client.modify(target.dn, [change('delete', target.attribute, [user.dn]), change('add', target.attribute, [value])]);
          } catch (e2) {
            throw this.#modifyFailure(e2, `renewing the time limit of ${account.login} in ${target.dn}`, target, value);
          }
        }
      }
    });
  }

  async removeMember(group: Group, account: Account): Promise<void> {
    const target = this.#target(group);
    return this.#session(async (client) => {
      const user = await findUser(client, this.config, account.login);
      for (const value of await this.#valuesToRemove(client, target, user, account)) {
        await this.#deleteValue(client, target, value, account.login);
      }
    });
  }

  /**
   * The email address of `login`'s entry (the first value of `mailAttribute`), or null when the
   * directory has no entry for it or the entry has no address.
   */
  async emailOf(login: string): Promise<string | null> {
    const attribute = this.config.mailAttribute ?? 'mail';
    return this.#session(async (client) => {
      const user = await findUser(client, this.config, login, [attribute]);
      const address = user?.extra[attribute]?.[0]?.trim() ?? '';
      return address.includes('@') ? address : null;
    });
  }

  async members(group: Group): Promise<string[]> {
    const target = this.#target(group);
    return this.#session(async (client) => {
      const { values } = await readAttribute(client, this.config, target.dn, target.attribute, 'group');
      const logins = new Set<string>();
      for (const value of values) {
        if (target.attribute === 'memberUid') {
          logins.add(value.toLowerCase());
          continue;
        }
        const dn = withoutUid(memberDnOf(value));
        if (this.config.emptyGroupMember !== undefined && sameDn(dn, this.config.emptyGroupMember)) continue;
        logins.add(await this.#loginOf(client, dn));
      }
      return [...logins].sort();
    });
  }

  #target(group: Group): Target {
    if (group.directory !== this.name) {
      throw new DomainError('BadRequest', `Group '${group.name}' is in directory '${group.directory}', not '${this.name}'.`);
    }
    if (!group.dn) throw new DomainError('BadRequest', `Group '${group.name}' in directory '${this.name}' has no DN.`);
    return { dn: group.dn, attribute: group.memberAttribute ?? 'member' };
  }

  #memberValue(target: Target, user: DirectoryUser, account: Account, expiresAt: Instant | null): string {
    // memberUid holds the login as the directory spells it: its matching rule is case-exact.
    if (target.attribute === 'memberUid') return user.loginValue ?? account.login;
    // Only DN-valued links can carry a time limit in AD; a grant without an end stays plain.
    if (this.config.adTimeLimitedMembers && expiresAt !== null) return encodeTimeLimitedMember(user.dn, expiresAt, this.opts.now());
    return user.dn;
  }

  /**
   * What to delete for `account`. Normally its entry's DN (or login for memberUid). When the entry
   * is gone from the directory, values that still name it by RDN (uid=login,... under userBase)
   * are removed, so deleting a user in LDAP before the revoke does not leave a stale grant behind.
   */
  async #valuesToRemove(client: Client, target: Target, user: DirectoryUser | null, account: Account): Promise<string[]> {
    if (target.attribute === 'memberUid') return [user?.loginValue ?? account.login];
    if (user) return [user.dn];
    const { values } = await readAttribute(client, this.config, target.dn, target.attribute, 'group');
    const login = account.login.toLowerCase();
    return values.filter((v) => {
      const dn = withoutUid(memberDnOf(v));
      return isWithin(dn, this.config.userBase) && leadingRdnValue(dn, this.config.loginAttribute)?.toLowerCase() === login;
    });
  }

  async #deleteValue(client: Client, target: Target, value: string, login: string): Promise<void> {
    const what = `removing ${login} from ${target.dn}`;
    try {
      await client.modify(target.dn, change('delete', target.attribute, [value]));
    } catch (e) {
      if (notMember(e)) return; // already absent: the contract's idempotent success
      if (!(e instanceof ObjectClassViolationError)) throw this.#modifyFailure(e, what, target, value);
      // groupOfNames and groupOfUniqueNames must keep one member, so the last one cannot go. With a
      // placeholder configured, it goes in and the member goes out in one atomic modify; without
      // one, the revoke fails loudly (and is retried) rather than pretend the access is gone.
      const placeholder = this.config.emptyGroupMember;
      if (placeholder === undefined) {
        throw new LdapFailure(
          'group',
          `${what} failed: ${login} is the last member, and the group's object class requires at least one; ` +
            `set emptyGroupMember for directory '${this.name}' to a placeholder DN that grants nothing`,
          e.code,
        );
      }
      try {
        await client.modify(target.dn, [change('add', target.attribute, [placeholder]), change('delete', target.attribute, [value])]);
      } catch (e2) {
        throw this.#modifyFailure(e2, `${what} (putting the placeholder ${placeholder} in its place)`, target, value);
      }
    }
  }

  /** A member DN as a login: by its RDN when that is the login attribute, else by reading the entry. */
  async #loginOf(client: Client, dn: string): Promise<string> {
    // Only entries under userBase are Elevate accounts; a namesake elsewhere is someone else.
    if (!isWithin(dn, this.config.userBase)) return dn;
    const fromRdn = leadingRdnValue(dn, this.config.loginAttribute);
    if (fromRdn !== null) return fromRdn.toLowerCase();
    try {
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [this.config.loginAttribute] });
      const login = searchEntries[0] ? valuesOf(searchEntries[0], this.config.loginAttribute)[0] : undefined;
      return login?.toLowerCase() ?? dn;
    } catch (e) {
      // A member DN whose entry is gone (no referential integrity) is reported as the DN itself.
      if (e instanceof NoSuchObjectError) return dn;
      throw operationFailure(e, this.config, 'group', `reading ${this.config.loginAttribute} of ${dn}`);
    }
  }

  #modifyFailure(e: unknown, what: string, target: Target, value: string): LdapFailure {
    if (e instanceof InvalidSyntaxError && value.startsWith('<TTL=')) {
      return new LdapFailure(
        'group',
        `${what} failed: the server refused the time-limited value ${value}; adTimeLimitedMembers needs Active Directory ` +
          '(Windows Server 2016 or later) with the Privileged Access Management optional feature enabled',
        e.code,
      );
    }
    if (e instanceof NoSuchObjectError) return new LdapFailure('group', `${what} failed: group ${target.dn} does not exist`, 32);
    return operationFailure(e, this.config, 'group', what);
  }

  /** Runs `fn` in a bound session; what goes wrong becomes DirectoryUnavailable with a precise message. */
  async #session<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await withServiceSession(this.config, this.opts.env, fn);
    } catch (e) {
      if (!(e instanceof LdapFailure)) throw e;
      throw new DomainError('DirectoryUnavailable', `Directory '${this.name}': ${e.message}`, {
        directory: this.name,
        step: e.step,
        ...(e.resultCode !== undefined ? { resultCode: e.resultCode } : {}),
      });
    }
  }
}
