import { type Client, type Entry, NoSuchObjectError } from 'ldapts';
import { type LdapBindConfig, operationFailure } from './ldap-connection.js';
import { userFilterFor } from './ldap-config.js';
import { LdapFailure, type LdapStep } from './ldap-errors.js';

/**
 * The values of `attribute` in `entry`, always as a list: ldapts gives one value as a string,
 * several as an array, and an absent or hidden attribute as []. Servers may spell the name in
 * another case than asked (Active Directory answers with its own spelling), so match without case.
 */
export function valuesOf(entry: Entry, attribute: string): string[] {
  const want = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k.toLowerCase() === want);
  if (key === undefined) return [];
  return [entry[key]].flat().map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

export interface UserLookupConfig extends LdapBindConfig {
  readonly userBase: string;
  readonly userFilter: string;
  readonly loginAttribute: string;
}

export interface DirectoryUser {
  readonly dn: string;
  /** The entry's `loginAttribute` value, as the directory spells it; null when the entry has none. */
  readonly loginValue: string | null;
  /** The values of the other attributes asked for, by the name asked for. */
  readonly extra: Readonly<Record<string, string[]>>;
}

/**
 * The one entry the user filter finds for `login` under `userBase`; null when there is none.
 * More than one is a configuration error: binding or granting on a guess could pick the wrong person.
 */
export async function findUser(client: Client, config: UserLookupConfig, login: string, extra: readonly string[] = []): Promise<DirectoryUser | null> {
  const filter = userFilterFor(config, login);
  let entries: Entry[];
  try {
    ({ searchEntries: entries } = await client.search(config.userBase, { scope: 'sub', filter, attributes: [config.loginAttribute, ...extra] }));
  } catch (e) {
    if (e instanceof NoSuchObjectError) {
      throw new LdapFailure('user-lookup', `user base ${config.userBase} does not exist`, 32);
    }
    throw operationFailure(e, config, 'user-lookup', `searching ${config.userBase} with ${filter}`);
  }
  if (entries.length > 1) {
    throw new LdapFailure(
      'user-lookup',
      `user filter ${filter} matched ${entries.length} entries under ${config.userBase} (${entries
        .slice(0, 3)
        .map((x) => x.dn)
        .join('; ')}${entries.length > 3 ? '; ...' : ''}); it must match exactly one`,
    );
  }
  const entry = entries[0];
  if (!entry) return null;
  return { dn: entry.dn, loginValue: valuesOf(entry, config.loginAttribute)[0] ?? null, extra: Object.fromEntries(extra.map((a) => [a, valuesOf(entry, a)])) };
}

export function userNotFound(config: UserLookupConfig, login: string): LdapFailure {
  return new LdapFailure('user-lookup', `user filter ${userFilterFor(config, login)} matched no entry under ${config.userBase}`);
}

/**
 * Every value of `attribute` on the entry `dn`. Active Directory returns at most 1500 values of a
 * large multi-valued attribute at a time, as `member;range=0-1499`; the rest are asked for range
 * by range until the server marks the last one with `*`.
 */
export async function readAttribute(
  client: Client,
  config: LdapBindConfig,
  dn: string,
  attribute: string,
  step: LdapStep,
): Promise<{ values: string[]; objectClasses: string[] }> {
  const read = async (attr: string): Promise<Entry> => {
    try {
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: [attr, 'objectClass'] });
      const entry = searchEntries[0];
      if (!entry) throw new LdapFailure(step, `${dn} is not readable by ${config.bindDn}`);
      return entry;
    } catch (e) {
      if (e instanceof NoSuchObjectError) throw new LdapFailure(step, `${step === 'group' ? 'group ' : ''}${dn} does not exist`, 32);
      throw operationFailure(e, config, step, `reading ${attribute} of ${dn}`);
    }
  };
  let entry = await read(attribute);
  const objectClasses = valuesOf(entry, 'objectClass');
  const values: string[] = [];
  const ranged = new RegExp(`^${attribute};range=(\\d+)-(\\d+|\\*)$`, 'i');
  for (let guard = 0; guard < 10_000; guard++) {
    const rangeKey = Object.keys(entry).find((k) => ranged.test(k));
    if (rangeKey === undefined) {
      values.push(...valuesOf(entry, attribute));
      return { values, objectClasses };
    }
    values.push(...valuesOf(entry, rangeKey));
    const end = ranged.exec(rangeKey)![2]!;
    if (end === '*') return { values, objectClasses };
    entry = await read(`${attribute};range=${Number(end) + 1}-*`);
  }
  throw new LdapFailure(step, `reading ${attribute} of ${dn} did not finish: too many ranges`);
}
