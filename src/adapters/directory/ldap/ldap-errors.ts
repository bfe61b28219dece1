import { ResultCodeError } from 'ldapts';
import type { DirectoryStep } from '../../../ports/directory-check.js';

/** Where an LDAP conversation failed; `elevate directory test` reports the same steps. */
export type LdapStep = DirectoryStep;

/**
 * A failure described for a person: what was tried, against what, and why it failed. Messages
 * never carry a password: none of the inputs they are built from holds one.
 */
export class LdapFailure extends Error {
  override readonly name = 'LdapFailure';
  constructor(
    readonly step: LdapStep,
    message: string,
    /** The LDAP result code, when the server answered with one. */
    readonly resultCode?: number,
  ) {
    super(message);
  }
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly caFile?: string | undefined;
  /** ldaps://: TLS from the first byte. */
  readonly tls: boolean;
}

const CONNECT_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host (DNS lookup failed)',
  EAI_AGAIN: 'no such host (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
};

const UNTRUSTED_CERT = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/**
 * Explains a failure below LDAP (socket, DNS, TLS, timeouts); null when `e` is an LDAP result or
 * something else. ldapts passes Node's socket and TLS errors through, and reports timeouts and
 * dropped connections with plain messages, which are matched here.
 */
export function explainTransportError(e: unknown, at: Endpoint): LdapFailure | null {
  if (!(e instanceof Error) || e instanceof ResultCodeError) return null;
  const where = `${at.host}:${at.port}`;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const connectWhy = CONNECT_CODES[code];
  if (connectWhy) return new LdapFailure('connect', `cannot reach ${where}: ${connectWhy}`);
  if (code === 'ETIMEDOUT' || e.message === 'Connection timeout') {
    return new LdapFailure('connect', `cannot reach ${where}: no connection within ${at.timeoutMs} ms`);
  }
  if (/Operation timed out/.test(e.message)) {
    return new LdapFailure('connect', `${where} did not answer within ${at.timeoutMs} ms (is it an LDAP server? is it overloaded?)`);
  }
  if (UNTRUSTED_CERT.has(code)) {
    const fix = at.caFile ? `it is not signed by the CA in ${at.caFile}` : 'set caFile to the PEM file of the CA that signed it';
    return new LdapFailure('tls', `TLS with ${where} failed: the server's certificate is not trusted (${code}); ${fix}`);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new LdapFailure('tls', `TLS with ${where} failed: the server's certificate ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet'}`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const reason = (e as Error & { reason?: string }).reason ?? e.message;
    return new LdapFailure('tls', `TLS with ${where} failed: the server's certificate does not name ${at.host} (${reason})`);
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
    return new LdapFailure('tls', `TLS with ${where} failed: the server did not answer TLS (${code}); for a plain LDAP port use ldap:// with startTls`);
  }
  if (code.startsWith('ERR_TLS_') || code.startsWith('CERT_') || code.includes('CERT')) {
    return new LdapFailure('tls', `TLS with ${where} failed: ${code}: ${e.message}`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /^(Connection closed|Socket error)/.test(e.message)) {
    // A server that expects TLS drops a plain LDAP request, and a plain one drops a TLS hello.
    return at.tls
      ? new LdapFailure('tls', `TLS with ${where} failed: the server closed the connection (if that port serves plain LDAP, use ldap:// with startTls)`)
      : new LdapFailure('connect', `${where} closed the connection before answering (if that port serves ldaps://, use an ldaps:// URL)`);
  }
  return null;
}

/** Active Directory explains a failed bind with `data NNN` in its diagnostic message. */
const AD_BIND_DATA: Readonly<Record<string, string>> = {
  '525': 'no such user',
  '52e': 'wrong password',
  '530': 'not permitted to sign in at this time',
  '531': 'not permitted to sign in from this workstation',
  '532': 'password expired',
  '533': 'account disabled',
  '701': 'account expired',
  '773': 'the password must be reset',
  '775': 'account locked out',
};

/** A short human reason for an LDAP result. */
export function resultReason(e: ResultCodeError): string {
  switch (e.code) {
    case 49: {
      const ad = /\bdata ([0-9a-f]{3})\b/i.exec(e.message)?.[1]?.toLowerCase();
      const adWhy = ad ? AD_BIND_DATA[ad] : undefined;
      return adWhy ? `invalid credentials (${adWhy})` : 'invalid credentials (wrong password or no such DN)';
    }
    case 8:
      return 'the server requires a stronger authentication (use ldaps:// or startTls)';
    case 13:
      return 'the server requires a TLS connection (use ldaps:// or startTls)';
    case 32:
      return 'no such object';
    case 50:
      return 'insufficient access rights';
    case 51:
      return 'the server is busy';
    case 52:
      return 'the server is unavailable';
    case 53:
      return `the server is unwilling to perform it (${firstLine(e.message)})`;
    case 3:
      return 'the server\'s time limit was exceeded';
    default:
      return `${firstLine(e.message)} (LDAP result ${e.code})`;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
