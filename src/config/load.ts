import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { type Config, configSchema } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Settings from the command line; they win over the environment, which wins over the file. */
export type ConfigOverrides = Partial<Record<keyof Config, unknown>>;

export const DEMO_PORTAL_ORIGINS = ['http://localhost:8090', 'http://127.0.0.1:8090'] as const;

const ENV: Record<string, keyof Config> = {
  ELEVATE_HOST: 'host',
  ELEVATE_PORT: 'port',
  ELEVATE_DATA: 'dataDir',
  ELEVATE_DATABASE_URL: 'database',
  ELEVATE_DATABASE_POOL_SIZE: 'databasePoolSize',
  ELEVATE_STATEMENT_TIMEOUT_MS: 'statementTimeoutMs',
  ELEVATE_DOMAIN: 'accountDomain',
  ELEVATE_TIME_ZONE: 'timeZone',
  ELEVATE_LOG_LEVEL: 'logLevel',
  ELEVATE_APPROVAL_TIMEOUT_SECONDS: 'approvalTimeoutSeconds',
  ELEVATE_MAX_TTL_SECONDS: 'maxTtlSeconds',
  ELEVATE_BREAK_GLASS_MAX_TTL_SECONDS: 'breakGlassMaxTtlSeconds',
  ELEVATE_MFA_TIMEOUT_SECONDS: 'mfaTimeoutSeconds',
  ELEVATE_METRICS_TOKEN: 'metricsToken',
  ELEVATE_MFA_KEY: 'mfaKey',
  ELEVATE_MFA_KEY_FILE: 'mfaKeyFile',
  ELEVATE_BOOTSTRAP_ADMIN: 'bootstrapAdmin',
  ELEVATE_BOOTSTRAP_ADMIN_PASSWORD_FILE: 'bootstrapAdminPasswordFile',
};

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON, so one parser reads both
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid YAML or JSON: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${path} must hold a mapping of settings`);
  return doc as Record<string, unknown>;
}

/** Builds the frozen configuration. The only place that reads process.env. */
export function loadConfig(opts: { file?: string | undefined; env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides } = {}): Config {
  const env = opts.env ?? process.env;
  const raw: Record<string, unknown> = opts.file ? readConfigFile(opts.file) : {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  if (env.ELEVATE_CORS_ORIGINS) raw.corsOrigins = splitList(env.ELEVATE_CORS_ORIGINS);
  if (env.ELEVATE_ALLOWED_HOSTS) raw.allowedHosts = splitList(env.ELEVATE_ALLOWED_HOSTS);
  if (env.ELEVATE_TRUST_PROXY) raw.trustProxy = splitList(env.ELEVATE_TRUST_PROXY);
  if (env.ELEVATE_WEBAUTHN_RP_ID || env.ELEVATE_WEBAUTHN_ORIGINS) {
    const w = { ...((raw.webauthn as Record<string, unknown> | undefined) ?? {}) };
    if (env.ELEVATE_WEBAUTHN_RP_ID) w.rpId = env.ELEVATE_WEBAUTHN_RP_ID;
    if (env.ELEVATE_WEBAUTHN_ORIGINS) w.origins = splitList(env.ELEVATE_WEBAUTHN_ORIGINS);
    raw.webauthn = w;
  }
  if (env.ELEVATE_AUDIT_SIGNING_KEY_FILE || env.ELEVATE_AUDIT_CHECKPOINT_FILE) {
    const a = { ...((raw.audit as Record<string, unknown> | undefined) ?? {}) };
    if (env.ELEVATE_AUDIT_SIGNING_KEY_FILE) a.signingKeyFile = env.ELEVATE_AUDIT_SIGNING_KEY_FILE;
    if (env.ELEVATE_AUDIT_CHECKPOINT_FILE) a.checkpointFile = env.ELEVATE_AUDIT_CHECKPOINT_FILE;
    raw.audit = a;
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    if (v === undefined) continue;
    // Repeated --cors-origin and --allowed-host flags add to the file's list rather than replace it.
    if ((k === 'corsOrigins' || k === 'allowedHosts') && Array.isArray(v) && Array.isArray(raw[k])) raw[k] = [...(raw[k] as unknown[]), ...v];
    else raw[k] = v;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      'invalid configuration:\n' + parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'),
    );
  }
  const config = parsed.data;
  // The sample portal's reference deployment is served from port 8090 on the same machine; a demo
  // with no origins configured lets it in, so `npm start` works with it unchanged.
  if (config.demo && config.corsOrigins.length === 0) config.corsOrigins = [...DEMO_PORTAL_ORIGINS];
  return deepFreeze(config);
}

const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

