import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { RelyingParty } from '../ports/webauthn.js';
import type { Config } from '../config/schema.js';

const isLocalhost = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * The relying party for a passkey ceremony reached through `req`. A configured rpId wins. Without
 * one, only `localhost` is derived from the Host header: browsers treat it as a secure context over
 * plain http, and deriving any other name from a header the client controls would let a proxy
 * in front of us pick the domain passkeys are scoped to. WebAuthn forbids IP addresses as rpId.
 */
export function relyingParty(req: FastifyRequest, config: Config): RelyingParty {
  const host = req.hostname.toLowerCase();
  const id = config.webauthn.rpId ?? (isLocalhost(host) ? 'localhost' : null);
  if (id === null) {
    throw new DomainError(
      'PasskeysUnavailable',
      `Passkeys need the server's WebAuthn relying party id (webauthn.rpId or ELEVATE_WEBAUTHN_RP_ID, a domain name). ` +
        `Reached as ${host}, Elevate can only derive one for localhost.`,
    );
  }
  // The page that calls navigator.credentials is Elevate's own or an admitted portal's.
  // URL normalises the origin as a browser reports it (no default port).
  const origins = config.webauthn.origins ?? [ownOrigin(req), ...config.corsOrigins];
  return { id, name: config.webauthn.rpName, origins: [...new Set(origins)] };
}

function ownOrigin(req: FastifyRequest): string {
  try {
    return new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    // URL throws on a malformed Host header; that is the client's mistake to hear about.
    throw new DomainError('BadRequest', 'The Host header is not a valid host name.');
  }
}
