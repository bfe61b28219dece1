import { createServer, type Server, type Socket } from 'node:net';
import type { Account } from '../../../src/domain/account/account.js';
import type { Group, MemberAttribute } from '../../../src/domain/group/group.js';
import type { LdapDirectoryConfig } from '../../../src/adapters/directory/ldap/ldap-config.js';
import { ldapDirectoryConfig } from '../../../src/config/ldap-directory.js';
import type { Slapd } from '../../support/slapd.js';

export const DIRECTORY = 'corp';

export function account(login: string): Account {
  return { id: `acc-${login}`, login, displayName: login, email: null, passwordHash: null, isAdmin: false, disabled: false, lock: null };
}

export function group(dn: string, memberAttribute: MemberAttribute = 'member'): Group {
  return { id: `grp-${dn}`, name: dn.split(',')[0]!, description: null, directory: DIRECTORY, dn, memberAttribute, reconcile: 'report' };
}

/** The directory settings for a throwaway slapd, validated like the config file's. */
export function configFor(slapd: Slapd, extra: Record<string, unknown> = {}): LdapDirectoryConfig {
  return ldapDirectoryConfig.parse({
    url: slapd.url,
    bindDn: slapd.bindDn,
    bindPasswordFile: slapd.bindPasswordFile,
    userBase: slapd.people,
    timeoutMs: 5000,
    ...extra,
  });
}

/** A loopback port nobody listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A server that accepts connections and never answers: an LDAP server that hangs. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const s: Server = createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    port: (s.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const c of sockets) c.destroy();
        s.close(() => r());
      }),
  };
}
