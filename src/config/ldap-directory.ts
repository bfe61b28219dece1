import { FilterParser } from 'ldapts';
import { z } from 'zod';
import { LOGIN_PLACEHOLDER } from '../domain/account/account.js';

const ldapUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'ldap:' || u.protocol === 'ldaps:') && u.hostname !== '' && (u.pathname === '' || u.pathname === '/');
  } catch {
    return false; // URL throws on malformed input; that is the answer
  }
}, 'must be an LDAP URL such as ldap://dc1.corp.example:389 or ldaps://dc1.corp.example (scheme, host, optional port, no path)');

const dn = z.string().trim().min(1, 'must be a DN such as ou=people,dc=example,dc=test');

const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name such as uid or sAMAccountName');

const userFilter = z
  .string()
  .refine((f) => f.includes(LOGIN_PLACEHOLDER), `must contain ${LOGIN_PLACEHOLDER}, which stands for the login`)
  .refine((f) => {
    try {
      FilterParser.parseString(f.replaceAll(LOGIN_PLACEHOLDER, 'x'));
      return true;
    } catch {
      return false; // the parser throws on bad syntax; that is the answer
    }
  }, 'must be an LDAP filter such as (uid={login}) or (&(objectClass=user)(sAMAccountName={login}))');

/** Everything but where users live: enough to connect and bind (what `elevate directory test --url` needs). */
const shape = {
  /** ldap:// (optionally upgraded with `startTls`) or ldaps://. */
  url: ldapUrl,
  /** Upgrade an ldap:// connection with the StartTLS extended operation before binding. */
  startTls: z.boolean().default(false),
  /** PEM file of the CA that signed the server's certificate, for ldaps:// or StartTLS. */
  caFile: z.string().min(1).optional(),
  /** The service account Elevate binds as to look users up and change groups. */
  bindDn: dn,
  /** File holding the service account's password (one trailing newline is ignored). */
  bindPasswordFile: z.string().min(1).optional(),
  /** Environment variable holding the service account's password. */
  bindPasswordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  /** Where accounts are searched (subtree). */
  userBase: dn,
  /** Finds the one entry of a login; `{login}` is replaced by the login, escaped (RFC 4515). */
  userFilter: userFilter.default(`(uid=${LOGIN_PLACEHOLDER})`),
  /** How a member's DN maps back to an Elevate login: this attribute of the member's entry. */
  loginAttribute: attributeName.default('uid'),
  /** The attribute holding a user's email address, for notifications to accounts with none on file. */
  mailAttribute: attributeName.default('mail'),
  /** Connect and per-operation timeout. */
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
  /**
   * Active Directory with the Privileged Access Management feature (Windows Server 2016): members
   * are written as `<TTL=seconds,DN>`, so AD drops them on time even if Elevate is down.
   */
  adTimeLimitedMembers: z.boolean().default(false),
  /** Check Basic credentials by binding as the user's DN. */
  signIn: z.boolean().default(false),
  /**
   * groupOfNames and groupOfUniqueNames must keep at least one member. When set, this DN (an
   * entry that grants nothing, e.g. cn=nobody,ou=groups,...) is added before the last real member
   * is removed, and is never reported as a member. When unset, removing the last member fails with
   * a message saying so. Active Directory groups may be empty and never need it.
   */
  emptyGroupMember: dn.optional(),
};

type Shape = { bindPasswordFile?: string | undefined; bindPasswordEnv?: string | undefined; url: string; startTls: boolean; caFile?: string | undefined };

function crossChecks(c: Shape, ctx: z.RefinementCtx): void {
  if ((c.bindPasswordFile === undefined) === (c.bindPasswordEnv === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['bindPasswordFile'], message: 'give exactly one of bindPasswordFile and bindPasswordEnv' });
  }
  const ldaps = c.url.startsWith('ldaps:');
  if (ldaps && c.startTls) {
    ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'StartTLS upgrades ldap:// connections; ldaps:// is already TLS' });
  }
  // A CA file on a connection that never uses TLS would suggest an encryption that is not there.
  if (c.caFile !== undefined && !ldaps && !c.startTls) {
    ctx.addIssue({ code: 'custom', path: ['caFile'], message: 'caFile is used only with ldaps:// or startTls: true' });
  }
}

/** One LDAP directory (OpenLDAP, Active Directory, ...) in the config file's `directories`. */
export const ldapDirectoryConfig = z.object(shape).strict().superRefine(crossChecks);
export type LdapDirectoryConfig = Readonly<z.infer<typeof ldapDirectoryConfig>>;

/** The same settings with `userBase` optional: what `elevate directory test --url ...` can try. */
export const ldapProbeConfig = z
  .object({ ...shape, userBase: dn.optional() })
  .strict()
  .superRefine(crossChecks);
export type LdapProbeConfig = Readonly<z.infer<typeof ldapProbeConfig>>;

const DIRECTORY_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Checks the keys of `directories`: 1-32 lower-case letters, digits and dashes, and not 'embedded',
 * which is Elevate's own store. A refinement of the record rather than a key schema, because zod
 * reports a bad key only as "Invalid key in record".
 */
export function checkDirectoryNames(dirs: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const name of Object.keys(dirs)) {
    if (name === 'embedded') {
      ctx.addIssue({ code: 'custom', path: [name], message: "'embedded' is Elevate's own directory; give the LDAP directory another name" });
    } else if (!DIRECTORY_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a directory name is 1-32 lower-case letters, digits and dashes, starting with a letter' });
    }
  }
}
