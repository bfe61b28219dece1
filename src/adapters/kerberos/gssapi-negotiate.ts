import { accessSync, constants } from 'node:fs';
import type { NegotiateAcceptor } from '../../ports/negotiate.js';

type KerberosModule = typeof import('kerberos');

/** The `kerberos` addon, or why it is not there (it is an optional, natively built dependency). */
export async function loadKerberos(): Promise<{ module: KerberosModule } | { unavailable: string }> {
  try {
    const m = (await import('kerberos')) as KerberosModule & { default?: KerberosModule };
    return { module: m.default ?? m };
  } catch (e) {
    return { unavailable: (e as Error).message.split('\n')[0]! };
  }
}

/**
 * SPNEGO through MIT's GSS-API (the `kerberos` addon), one acceptor context per request: HTTP
 * Negotiate carries the whole Kerberos exchange in one token. The library keeps a replay cache,
 * so the same token presented twice is refused.
 */
export class GssapiNegotiate implements NegotiateAcceptor {
  private constructor(
    private readonly kerberos: KerberosModule,
    private readonly service: string,
  ) {}

  /**
   * Points MIT Kerberos at the keytab and proves, once, that it holds the service's key, so a
   * wrong keytab or service name stops the server at start rather than failing every call.
   */
  static async open(kerberos: KerberosModule, keytab: string, service: string): Promise<GssapiNegotiate> {
    accessSync(keytab, constants.R_OK);
    // MIT reads the keytab's name from the environment whenever it opens one.
    process.env.KRB5_KTNAME = `FILE:${keytab}`;
    await kerberos.initializeServer(service);
    return new GssapiNegotiate(kerberos, service);
  }

  async accept(token: string): Promise<{ principal: string; reply: string }> {
    const server = await this.kerberos.initializeServer(this.service);
    await server.step(token);
    if (!server.contextComplete || !server.username) throw new Error('the Kerberos exchange did not complete in one step');
    return { principal: server.username, reply: server.response ?? '' };
  }
}
