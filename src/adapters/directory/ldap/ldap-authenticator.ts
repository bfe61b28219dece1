import { DomainError } from '../../../domain/errors.js';
import { findUser } from './entries.js';
import type { LdapDirectoryConfig } from './ldap-config.js';
import { bind, withServiceSession } from './ldap-connection.js';
import { LdapFailure } from './ldap-errors.js';

/**
 * Checks a password by binding as the user's entry (the directory's `signIn: true`): the service
 * account finds the one entry of the login, then the same connection binds as that DN with the
 * password. Nothing is cached or stored; the directory stays the judge of the password, of
 * lockouts and of disabled accounts.
 */
export class LdapAuthenticator {
  constructor(
    readonly name: string,
    private readonly config: LdapDirectoryConfig,
    private readonly opts: { readonly env?: NodeJS.ProcessEnv | undefined } = {},
  ) {}

  /**
   * True when `password` is the password of the entry `login` maps to. False for a wrong password,
   * an unknown login, an account the directory refuses (disabled, locked, expired), and an empty
   * password, which is refused before anything is sent: a bind with a DN and no password is an
   * "unauthenticated" bind that some servers accept as anonymous (RFC 4513 5.1.2).
   * Throws DirectoryUnavailable when the directory cannot answer, so the caller can tell "no"
   * from "cannot say".
   */
  async verifyByBind(login: string, password: string): Promise<boolean> {
    if (password === '' || login === '') return false;
    try {
      return await withServiceSession(this.config, this.opts.env, async (client) => {
        const user = await findUser(client, this.config, login);
        if (!user) return false;
        try {
          await bind(client, this.config, user.dn, password);
          return true;
        } catch (e) {
          if (e instanceof LdapFailure && e.step === 'bind' && isRefusal(e.resultCode)) return false;
          throw e;
        }
      });
    } catch (e) {
      if (!(e instanceof LdapFailure)) throw e;
      throw new DomainError('DirectoryUnavailable', `Directory '${this.name}': ${e.message}`, { directory: this.name, step: e.step });
    }
  }
}

/** invalidCredentials (49), and unwillingToPerform (53), which some servers give for locked accounts. */
function isRefusal(code: number | undefined): boolean {
  return code === 49 || code === 53;
}
