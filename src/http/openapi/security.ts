import type { OpenAPIV3_1 } from 'openapi-types';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { tokenScopesOf } from '../plugins/token-scopes.js';

/** How callers prove who they are (http/plugins/auth.ts): every signed-in route takes any of these. */
export const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  basic: { type: 'http', scheme: 'basic', description: 'User name (`DOMAIN\\login` or `login`) and password, as MIM took them.' },
  negotiate: { type: 'http', scheme: 'negotiate', description: 'Kerberos (SPNEGO), when the server has a keytab (docs/kerberos.md).' },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The portal’s session from POST /api/session/login or single sign-on. Every change also carries the header x-csrf-token from GET /api/session.',
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'The metrics token (metricsToken / ELEVATE_METRICS_TOKEN), for GET /metrics only.' },
  token: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'elv_…',
    description:
      'An API token (docs/token-api.md). The security requirement lists the scopes that admit a token on each operation (any one of them); an operation without `token` refuses tokens. The `admin` scope needs an administrator behind the token.',
  },
};

/** The security requirement of a signed-in route: any scheme, a token only with one of the scopes listed. */
export function securityOf(method: string, url: string): OpenAPIV3_1.SecurityRequirementObject[] {
  const scopes = tokenScopesOf(method, url);
  return [{ basic: [] }, { negotiate: [] }, { session: [] }, ...scopes.map((s) => ({ token: [s] }))];
}

/** Routes anyone may call: an empty requirement list. */
export const PUBLIC: OpenAPIV3_1.SecurityRequirementObject[] = [];
