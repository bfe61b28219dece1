import { readFileSync } from 'node:fs';
import { GssapiNegotiate, loadKerberos } from '../adapters/kerberos/gssapi-negotiate.js';
import { OpenIdClientProvider } from '../adapters/oidc/openid-client-provider.js';
import type { Core } from '../app/core.js';
import { IdentitySignIn } from '../app/identity-sign-in.js';
import { KerberosSignIn } from '../app/kerberos-sign-in.js';
import { OidcSignIn } from '../app/oidc-sign-in.js';
import type { SignInMethods } from '../app/sign-in-methods.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';

/**
 * Single sign-on and Kerberos, from the configuration. Part of the composition root: only the
 * server needs them, so the admin commands never read the client secret or the keytab.
 * Throws ConfigError when something configured cannot work, so `serve` stops instead.
 */
export async function openSignIn(config: Config, core: Core): Promise<SignInMethods> {
  return { oidc: openOidc(config, core), kerberos: await openKerberos(config, core) };
}

function openOidc(config: Config, core: Core): OidcSignIn | null {
  const o = config.oidc;
  if (!o) return null;
  let clientSecret: string | null = null;
  if (o.clientSecretFile !== undefined) {
    try {
      clientSecret = readFileSync(o.clientSecretFile, 'utf8').trim();
    } catch (e) {
      throw new ConfigError(`oidc.clientSecretFile: cannot read ${o.clientSecretFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (clientSecret === '') throw new ConfigError(`oidc.clientSecretFile: ${o.clientSecretFile} is empty`);
  }
  const provider = new OpenIdClientProvider({ issuer: o.issuer, clientId: o.clientId, clientSecret, scopes: o.scopes });
  const identities = new IdentitySignIn(core.deps, { createAccounts: o.createAccounts, adminGroups: o.adminGroups });
  return new OidcSignIn(core.deps, provider, identities, { loginClaim: o.loginClaim, groupsClaim: o.groupsClaim }, o.displayName);
}

async function openKerberos(config: Config, core: Core): Promise<KerberosSignIn | null> {
  const k = config.kerberos;
  if (!k) return null;
  const loaded = await loadKerberos();
  if ('unavailable' in loaded) {
    throw new ConfigError(`kerberos is configured, but the optional kerberos addon could not be loaded (${loaded.unavailable}); install libkrb5 and rebuild it (npm rebuild kerberos), or remove the kerberos setting`);
  }
  let acceptor: GssapiNegotiate;
  try {
    acceptor = await GssapiNegotiate.open(loaded.module, k.keytab, k.service);
  } catch (e) {
    throw new ConfigError(`kerberos: cannot accept tickets for ${k.service} with the keytab ${k.keytab}: ${(e as Error).message}`);
  }
  return new KerberosSignIn(acceptor, new IdentitySignIn(core.deps, { createAccounts: false, adminGroups: [] }), k.realm);
}

