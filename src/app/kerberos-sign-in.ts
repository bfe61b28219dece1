import type { NegotiateAcceptor } from '../ports/negotiate.js';
import type { Caller } from './deps.js';
import type { IdentitySignIn } from './identity-sign-in.js';

export type KerberosOutcome =
  | { readonly caller: Caller; readonly reply: string }
  /** `detail` says why, for the log; the client only learns that it was refused. */
  | { readonly refused: string };

/** API calls authenticated with a Kerberos ticket (HTTP Negotiate), as MIM's IIS accepted them. */
export class KerberosSignIn {
  constructor(
    private readonly acceptor: NegotiateAcceptor,
    private readonly identities: IdentitySignIn,
    private readonly realm: string,
  ) {}

  async signIn(token: string, address: string): Promise<KerberosOutcome> {
    let proven: { principal: string; reply: string };
    try {
      proven = await this.acceptor.accept(token);
    } catch (e) {
      return { refused: `the Kerberos token was not accepted: ${(e as Error).message}` };
    }
    const out = await this.identities.signInPrincipal(proven.principal, this.realm, address);
    return 'caller' in out ? { caller: out.caller, reply: proven.reply } : { refused: `${proven.principal}: ${out.refused}` };
  }
}
