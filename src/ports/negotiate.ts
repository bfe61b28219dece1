/** A Kerberos service that accepts SPNEGO tokens (HTTP Negotiate) against its keytab. */
export interface NegotiateAcceptor {
  /**
   * Checks one token from `Authorization: Negotiate <token>`. Resolves to the client's principal
   * (`jen@CORP.EXAMPLE`) and the mutual-authentication reply to send back (may be empty); throws
   * when the token is bad, replayed, for another service or from an unknown realm.
   */
  accept(token: string): Promise<{ readonly principal: string; readonly reply: string }>;
}
