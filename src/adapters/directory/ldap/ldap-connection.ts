import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import { BindPasswordError, readBindPassword } from './ldap-config.js';
import { type Endpoint, LdapFailure, explainTransportError, resultReason } from './ldap-errors.js';

/** What it takes to reach a server; both the full and the probe configuration have it. */
export interface LdapEndpointConfig {
  readonly url: string;
  readonly startTls: boolean;
  readonly caFile?: string | undefined;
  readonly timeoutMs: number;
}

export interface LdapBindConfig extends LdapEndpointConfig {
  readonly bindDn: string;
  readonly bindPasswordFile?: string | undefined;
  readonly bindPasswordEnv?: string | undefined;
}

export function endpointOf(config: LdapEndpointConfig): Endpoint {
  const u = new URL(config.url);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port ? Number(u.port) : u.protocol === 'ldaps:' ? 636 : 389;
  return { host, port, timeoutMs: config.timeoutMs, caFile: config.caFile, tls: u.protocol === 'ldaps:' };
}

function tlsOptions(config: LdapEndpointConfig, at: Endpoint): ConnectionOptions {
  const opts: ConnectionOptions = {};
  if (config.caFile !== undefined) {
    try {
      opts.ca = [readFileSync(config.caFile)];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LdapFailure('tls', `cannot read caFile ${config.caFile}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
    }
  }
  // StartTLS upgrades a socket that is already open, so Node cannot infer the name to check the
  // certificate against. SNI takes host names only; an IP is checked against the certificate's IPs.
  opts.host = at.host;
  if (isIP(at.host) === 0) opts.servername = at.host;
  return opts;
}

/**
 * A client connected as configured: for ldaps:// the TLS handshake happens on first use, and
 * for StartTLS the connection is opened and upgraded here. Not bound yet. The caller must
 * `close()` it, whatever happens, or the socket keeps the process alive.
 */
export async function connect(config: LdapEndpointConfig): Promise<Client> {
  const at = endpointOf(config);
  const ldaps = config.url.startsWith('ldaps:');
  // ldapts treats any tlsOptions as "connect with TLS", so a StartTLS client must be built without.
  const client = new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    ...(ldaps ? { tlsOptions: tlsOptions(config, at) } : {}),
  });
  if (config.startTls) {
    const opts = tlsOptions(config, at);
    try {
      await client.startTLS(opts);
    } catch (e) {
      await close(client);
      throw explainTransportError(e, at) ?? startTlsRefused(e, at);
    }
  }
  return client;
}

function startTlsRefused(e: unknown, at: Endpoint): LdapFailure {
  const why = e instanceof ResultCodeError ? resultReason(e) : (e as Error).message;
  return new LdapFailure('tls', `StartTLS with ${at.host}:${at.port} was refused: ${why} (does the server have a certificate configured?)`);
}

/** Unbinds and drops the socket. */
export async function close(client: Client): Promise<void> {
  // The socket is destroyed whatever unbind() answers; a failure to say goodbye on a broken
  // connection must not replace the outcome the caller is about to report.
  await client.unbind().catch(() => undefined);
}

/**
 * Binds as `dn`. An empty password is refused before anything is sent: RFC 4513 makes a bind
 * with a DN and no password an "unauthenticated" bind, which some servers accept as anonymous.
 */
export async function bind(client: Client, config: LdapEndpointConfig, dn: string, password: string): Promise<void> {
  const at = endpointOf(config);
  if (password === '') throw new LdapFailure('bind', `bind as ${dn} refused before sending: the password is empty`);
  try {
    await client.bind(dn, password);
  } catch (e) {
    throw explainTransportError(e, at) ?? bindFailure(e, dn);
  }
}

function bindFailure(e: unknown, dn: string): LdapFailure {
  if (e instanceof ResultCodeError) return new LdapFailure('bind', `bind as ${dn} failed: ${resultReason(e)}`, e.code);
  return new LdapFailure('bind', `bind as ${dn} failed: ${(e as Error).message}`);
}

/** Binds as the configured service account, reading its password now. */
export async function bindService(client: Client, config: LdapBindConfig, env?: NodeJS.ProcessEnv): Promise<void> {
  let password: string;
  try {
    password = readBindPassword(config, env);
  } catch (e) {
    if (e instanceof BindPasswordError) throw new LdapFailure('bind', `bind as ${config.bindDn} not attempted: ${e.message}`);
    throw e;
  }
  await bind(client, config, config.bindDn, password);
}

/** Connects, binds as the service account, runs `fn`, and always unbinds. */
export async function withServiceSession<T>(config: LdapBindConfig, env: NodeJS.ProcessEnv | undefined, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(config);
  try {
    await bindService(client, config, env);
    return await fn(client);
  } finally {
    await close(client);
  }
}

/**
 * Translates an error from a search or modify into an LdapFailure of `step`: a transport problem
 * keeps its own explanation, and an LDAP result is described after `what` was tried.
 */
export function operationFailure(e: unknown, config: LdapEndpointConfig, step: LdapFailure['step'], what: string): LdapFailure {
  if (e instanceof LdapFailure) return e;
  const transport = explainTransportError(e, endpointOf(config));
  if (transport) return transport;
  if (e instanceof ResultCodeError) return new LdapFailure(step, `${what} failed: ${resultReason(e)}`, e.code);
  return new LdapFailure(step, `${what} failed: ${(e as Error).message ?? String(e)}`);
}
