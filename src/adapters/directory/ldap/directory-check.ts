import { readFile } from 'node:fs/promises';
import { isIP, connect as netConnect } from 'node:net';
import { type PeerCertificate, connect as tlsConnect } from 'node:tls';
import type { Client } from 'ldapts';
import type { MemberAttribute } from '../../../domain/group/group.js';
import type { CheckOptions, CheckStep, GroupToCheck } from '../../../ports/directory-check.js';
import { findUser, readAttribute, userNotFound } from './entries.js';
import type { LdapProbeConfig } from './ldap-config.js';
import { bindService, close, connect, endpointOf, operationFailure } from './ldap-connection.js';
import { type Endpoint, LdapFailure, type LdapStep, explainTransportError } from './ldap-errors.js';

export interface LdapCheckOptions extends CheckOptions {
  /** Where `bindPasswordEnv` is looked up (the process environment by default). */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Tries a directory the way Elevate will use it, step by step, and says what works and what does
 * not: reach the server, set up TLS, bind as the service account, find a user, read each group.
 * A failed connect, TLS or bind step ends the check, since nothing after it can run.
 */
export async function checkDirectory(config: LdapProbeConfig, opts: LdapCheckOptions = {}): Promise<CheckStep[]> {
  const steps: CheckStep[] = [];
  const at = endpointOf(config);
  const pass = (step: LdapStep, detail: string) => steps.push({ step, ok: true, detail });
  const fail = (f: LdapFailure) => steps.push({ step: f.step, ok: false, detail: f.message });

  try {
    pass('connect', await probeTcp(at));
  } catch (e) {
    fail(asFailure(e, config, 'connect'));
    return steps;
  }

  const ldaps = config.url.startsWith('ldaps:');
  if (ldaps) {
    try {
      pass('tls', await probeTls(at, config.caFile));
    } catch (e) {
      fail(asFailure(e, config, 'tls'));
      return steps;
    }
  }

  let client: Client;
  try {
    client = await connect(config);
  } catch (e) {
    fail(asFailure(e, config, 'tls'));
    return steps;
  }
  try {
    if (config.startTls) pass('tls', `StartTLS ok: certificate verified against ${config.caFile ?? "the system's CAs"}`);
    else if (!ldaps) pass('tls', 'not used: ldap:// without startTls sends the bind password and sign-in passwords in clear text');

    try {
      await bindService(client, config, opts.env);
      pass('bind', `bound as ${config.bindDn}`);
    } catch (e) {
      fail(asFailure(e, config, 'bind'));
      return steps;
    }

    await checkUsers(client, config, opts.login, pass, fail);
    const groups: GroupToCheck[] = [...(opts.groupDns ?? []).map((dn) => ({ dn })), ...(opts.groups ?? [])];
    for (const g of groups) {
      try {
        pass('group', await checkGroup(client, config, g));
      } catch (e) {
        fail(asFailure(e, config, 'group'));
      }
    }
    return steps;
  } finally {
    await close(client);
  }
}

async function checkUsers(
  client: Client,
  config: LdapProbeConfig,
  login: string | undefined,
  pass: (step: LdapStep, detail: string) => void,
  fail: (f: LdapFailure) => void,
): Promise<void> {
  const userBase = config.userBase;
  if (userBase === undefined) {
    if (login !== undefined) fail(new LdapFailure('user-lookup', `cannot look ${login} up: no user base given`));
    return;
  }
  const lookup = { ...config, userBase };
  try {
    if (login === undefined) {
      await readAttribute(client, config, userBase, 'objectClass', 'user-lookup');
      pass('user-lookup', `user base ${userBase} exists (give a login to try the user filter)`);
      return;
    }
    const user = await findUser(client, lookup, login);
    if (!user) throw userNotFound(lookup, login);
    pass('user-lookup', `${login} is ${user.dn}`);
  } catch (e) {
    fail(asFailure(e, config, 'user-lookup'));
  }
}

/** Which member attribute each usual group class carries. */
const CLASS_ATTRIBUTE: Readonly<Record<string, MemberAttribute>> = {
  groupofnames: 'member',
  groupofmembers: 'member',
  group: 'member',
  groupofuniquenames: 'uniqueMember',
  posixgroup: 'memberUid',
};
const NEEDS_A_MEMBER = new Set(['groupofnames', 'groupofuniquenames']);

async function checkGroup(client: Client, config: LdapProbeConfig, g: GroupToCheck): Promise<string> {
  const attribute = g.memberAttribute ?? 'member';
  const label = g.name !== undefined ? `group ${g.dn} (Elevate group '${g.name}')` : `group ${g.dn}`;
  const { values, objectClasses } = await readAttribute(client, config, g.dn, attribute, 'group');
  const classes = objectClasses.map((c) => c.toLowerCase()).filter((c) => c !== 'top');
  const known = classes.filter((c) => c in CLASS_ATTRIBUTE);
  // Only when every class is a known group class can a missing attribute be told for sure; an
  // auxiliary class of a local schema may add it.
  if (known.length > 0 && known.length === classes.length && !known.some((c) => CLASS_ATTRIBUTE[c] === attribute)) {
    const wants = [...new Set(known.map((c) => CLASS_ATTRIBUTE[c]))].join(' or ');
    throw new LdapFailure('group', `${label} is a ${objectClasses.filter((c) => c.toLowerCase() !== 'top').join(', ')}, which has no ${attribute} attribute (use ${wants})`);
  }
  const kind = objectClasses.filter((c) => c.toLowerCase() !== 'top').join(', ') || 'unknown class';
  let detail = `${label} exists (${kind}, ${values.length} ${attribute} value${values.length === 1 ? '' : 's'})`;
  if (classes.some((c) => NEEDS_A_MEMBER.has(c)) && config.emptyGroupMember === undefined) {
    detail += '; without emptyGroupMember its last member cannot be removed';
  }
  return detail;
}

function asFailure(e: unknown, config: LdapProbeConfig, step: LdapStep): LdapFailure {
  return e instanceof LdapFailure ? e : operationFailure(e, config, step, step);
}

function probeTcp(at: Endpoint): Promise<string> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = netConnect({ host: at.host, port: at.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new LdapFailure('connect', `cannot reach ${at.host}:${at.port}: no connection within ${at.timeoutMs} ms`));
    }, at.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(`reached ${at.host}:${at.port} in ${Date.now() - t0} ms`);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      socket.destroy();
      reject(explainTransportError(e, at) ?? new LdapFailure('connect', `cannot reach ${at.host}:${at.port}: ${e.message}`));
    });
  });
}

/** The ldaps:// handshake on its own, so a certificate problem is told apart from a refused bind. */
async function probeTls(at: Endpoint, caFile: string | undefined): Promise<string> {
  let ca: Buffer[] | undefined;
  if (caFile !== undefined) {
    try {
      ca = [await readFile(caFile)];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LdapFailure('tls', `cannot read caFile ${caFile}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
    }
  }
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: at.host, port: at.port, ...(ca ? { ca } : {}), ...(isIP(at.host) === 0 ? { servername: at.host } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new LdapFailure('tls', `TLS with ${at.host}:${at.port} failed: no handshake within ${at.timeoutMs} ms`));
    }, at.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert: PeerCertificate = socket.getPeerCertificate();
      socket.destroy();
      const subject = cert.subject?.CN ? `CN=${cert.subject.CN}` : 'the server';
      resolve(`TLS ok: certificate of ${subject} verified against ${caFile ?? "the system's CAs"}, valid until ${cert.valid_to}`);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      socket.destroy();
      reject(explainTransportError(e, at) ?? new LdapFailure('tls', `TLS with ${at.host}:${at.port} failed: ${e.message}`));
    });
  });
}
