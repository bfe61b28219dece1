import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigOverrides } from '../../src/config/load.js';
import { type TestApp, makeApp, type makeCore, tempDir } from './harness.js';
import { IDP_CLIENT_ID, IDP_CLIENT_SECRET, type TestIdp } from './oidc-provider.js';

/** The redirect URI the HTTP-level tests register; their callbacks go through inject(). */
export const TEST_REDIRECT_URI = 'http://localhost/api/session/oidc/callback';

export type SsoApp = TestApp;

/** The OIDC settings for `idp`, with the client secret in a file, as production reads it. */
export function oidcSettings(idp: TestIdp, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const secretFile = join(tempDir('elevate-oidc-secret-'), 'oidc.secret');
  writeFileSync(secretFile, `${IDP_CLIENT_SECRET}\n`, { mode: 0o600 });
  return {
    issuer: idp.issuer,
    clientId: IDP_CLIENT_ID,
    clientSecretFile: secretFile,
    displayName: 'Corp ID',
    scopes: ['openid', 'profile', 'email', 'groups'],
    redirectUri: TEST_REDIRECT_URI,
    ...extra,
  };
}

/** The HTTP app with single sign-on and Kerberos configured as `config` says. */
export function makeSsoApp(config: ConfigOverrides, opts: Parameters<typeof makeCore>[0] = {}): Promise<SsoApp> {
  return makeApp({ ...opts, config: { ...opts.config, ...config } });
}
