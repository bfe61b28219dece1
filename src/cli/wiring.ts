import type { CheckpointSource } from '../app/audit/verify-audit-trail.js';
import type { Core } from '../app/core.js';
import type { LdapProbeConfig } from '../config/ldap-directory.js';
import type { Config } from '../config/schema.js';
import type { CheckOptions, CheckStep } from '../ports/directory-check.js';
import type { SchemaState } from '../ports/store.js';
import type { CheckpointVerifier } from '../ports/audit-checkpoints.js';

/**
 * What the commands need from the composition root (src/main.ts), which alone builds adapters.
 * The CLI never imports the root: the process entry (src/elevate.ts) hands it in as a loader, and
 * it is loaded only when a command needs it, so the end-user commands, which only send requests,
 * load neither the store nor the HTTP server.
 */
export interface Wiring {
  /** Opens (and migrates) the configured store and builds the use cases. */
  openCore(config: Config): Promise<Core>;
  /** `elevate serve`: store, scheduler, HTTP, listening. */
  startServer(config: Config): Promise<{ readonly url: string; reloadTls(): void; close(): Promise<void> }>;
  /** Applies pending migrations to the configured store and closes it. */
  migrateStore(config: Config): Promise<void>;
  /** The configured store in words, never with a password. */
  describeStore(config: Config): string;
  /** `elevate db copy`: the embedded store in `fromDir` into the (empty) configured PostgreSQL database. */
  copyToPostgres(fromDir: string, config: Config): Promise<{ readonly tables: readonly { readonly table: string; readonly rows: number }[]; readonly auditChecked: number }>;
  /**
   * What `elevate audit verify` checks checkpoints with: the public keys given (else the configured
   * signing key's public half) and the checkpoint files given (else the configured one, when it exists).
   */
  auditVerifyInputs(
    config: Config,
    given: { readonly checkpointFiles: readonly string[]; readonly publicKeyFiles: readonly string[] },
  ): { verifier: CheckpointVerifier | null; sources: CheckpointSource[]; notes: string[] };
  /** `elevate audit keygen`: an Ed25519 key pair for audit checkpoints. */
  generateAuditSigningKey(out: string): { readonly privateKeyFile: string; readonly publicKeyFile: string; readonly keyId: string };
  /** Whether the configured store exists and where its schema stands; creates and migrates nothing. */
  storeState(config: Config): Promise<{ readonly exists: false } | { readonly exists: true; readonly schema: SchemaState }>;
  /** `elevate backup`: a verified online copy of the embedded store into a new file. */
  backupStore(config: Config, to: string): Promise<StoreCopyReport & { readonly file: string; readonly bytes: number; readonly mfaKeyFile: string | null }>;
  /** `elevate restore`: a checked backup put in place as the embedded store (an existing one kept beside it). */
  restoreStore(config: Config, from: string, opts: { readonly force: boolean; readonly now: Date }): Promise<StoreCopyReport & { readonly dataDir: string; readonly replaced: string | null; readonly mfaKeyRestored: boolean }>;
  /** `elevate directory test`: tries an LDAP directory step by step. */
  checkDirectory(settings: LdapProbeConfig, opts: CheckOptions): Promise<CheckStep[]>;
}

/** What a backup or restore found in the copy it checked. */
export interface StoreCopyReport {
  readonly schemaVersion: string | null;
  readonly auditEntries: number;
  /** null when the audit chain is intact. */
  readonly auditBrokenAtSeq: number | null;
  readonly requests: number;
}

let load: (() => Promise<Wiring>) | undefined;

/** Set once by the process entry, before any command runs. */
export function provideWiring(loader: () => Promise<Wiring>): void {
  load = loader;
}

/** The composition root's services, loaded on first use. */
export function wiring(): Promise<Wiring> {
  if (!load) throw new Error('the CLI was started without its composition root (run it through src/elevate.ts)');
  return load();
}
