import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KerberosSignIn } from '../../app/kerberos-sign-in.js';
import { addressKey } from './client-address.js';

/** `Authorization: Negotiate <base64 SPNEGO token>`, as Windows clients and `curl --negotiate` send it. */
const NEGOTIATE = /^Negotiate\s+([A-Za-z0-9+/]+={0,2})\s*$/i;

export function isNegotiate(header: string): boolean {
  return /^Negotiate(\s|$)/i.test(header);
}

/**
 * Signs the caller in with a Kerberos ticket. Sets req.caller and the mutual-authentication reply
 * header and returns null, or returns why the ticket was refused (logged, not told to the client).
 */
export async function negotiateCaller(kerberos: KerberosSignIn, req: FastifyRequest, reply: FastifyReply, header: string): Promise<string | null> {
  const m = NEGOTIATE.exec(header);
  if (!m) return 'the Negotiate header carries no token';
  const out = await kerberos.signIn(m[1]!, addressKey(req.ip));
  if ('refused' in out) {
    req.log.info({ component: 'kerberos', reason: out.refused }, 'Negotiate sign-in refused');
    return out.refused;
  }
  if (out.reply !== '') reply.header('www-authenticate', `Negotiate ${out.reply}`);
  req.caller = out.caller;
  return null;
}
