import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema.js';
import { odataError } from '../odata/error-map.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** A host as the Host header spells it: lower case, IPv6 in brackets, no port. */
function hostOf(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) return v.slice(0, v.indexOf(']') + 1);
  if (isIP(v) === 6) return `[${v}]`;
  const colon = v.indexOf(':');
  return colon >= 0 ? v.slice(0, colon) : v;
}

/**
 * The hosts requests may name. A DNS-rebinding page reaches the server under the attacker's own
 * name, so names must be listed: the loopback names (a page cannot make a browser send those for
 * its own origin), the configured host, the passkey rpId, the hosts of configured origins, and
 * `allowedHosts`. Bound to every interface (0.0.0.0, ::), the machine's own addresses are added as
 * well, so it answers by IP address, but a name it was not told about is refused: an operator who
 * reaches it by a DNS name lists that name. `*` in allowedHosts turns the check off.
 */
export function allowedHostsFor(config: Config): ReadonlySet<string> | '*' {
  if (config.allowedHosts.includes('*')) return '*';
  const hosts = new Set<string>(LOOPBACK_NAMES);
  const add = (h: string) => hosts.add(hostOf(h));
  if (WILDCARDS.has(config.host)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address.split('%')[0]!);
  } else {
    add(config.host);
  }
  if (config.webauthn.rpId) add(config.webauthn.rpId);
  for (const o of [...config.corsOrigins, ...(config.webauthn.origins ?? [])]) add(new URL(o).host);
  for (const h of config.allowedHosts) add(h);
  return hosts;
}

/** Refuses, before anything else runs, a request whose Host names no host this server answers to. */
export function hostCheck(allowed: ReadonlySet<string> | '*') {
  return async function (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    if (allowed === '*') return;
    const host = req.headers.host;
    if (host !== undefined && allowed.has(hostOf(host))) return;
    return reply
      .code(421)
      .send(odataError('MisdirectedRequest', `This server does not answer to the host name ${JSON.stringify(host ?? '')}; an administrator can add it to allowedHosts.`));
  };
}
