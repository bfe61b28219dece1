import type { Directory } from '../ports/directory.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { Store } from '../ports/store.js';
import type { CheckpointKit, CheckpointOutcome } from './audit/sign-checkpoint.js';
import type { Authenticator } from './authenticate.js';
import type { Deps } from './deps.js';
import type { SlackInteractions } from '../ports/slack-interactions.js';
import type { MfaKit } from './mfa/mfa-kit.js';
import type { SealReport } from './mfa/seal-secrets.js';
import type { Sessions } from './sessions.js';

/** Where the MFA key came from and what the start-up sealing did, for the log (never the key). */
export interface MfaKeyInfo {
  readonly origin: 'config' | 'file' | 'generated' | 'data-dir';
  /** The key file read or generated; null for a key given in the configuration itself. */
  readonly path: string | null;
  /** Something an operator should fix, such as a key file others can read. */
  readonly warning: string | null;
  readonly keyId: string;
  readonly sealing: SealReport;
}

/**
 * Everything a server or an admin command works with, opened from the configuration by the
 * composition root (src/main.ts). Ports and use cases only: the HTTP app and the CLI see no
 * adapter, and the configuration travels beside the core, not inside it.
 */
export interface Core {
  readonly deps: Deps;
  readonly store: Store;
  readonly hasher: PasswordHasher;
  readonly authenticator: Authenticator;
  readonly sessions: Sessions;
  readonly mfa: MfaKit;
  readonly mfaKey: MfaKeyInfo;
  /** The configured LDAP directories by name (the embedded one works inside transactions instead). */
  readonly directories: ReadonlyMap<string, Directory>;
  /** Signing of audit checkpoints; null when no `audit.signingKeyFile` is configured. */
  readonly auditCheckpoints: (CheckpointKit & { readonly warning: string | null }) | null;
  /** Signs a checkpoint of the audit head when it moved (see signCheckpoint); null without a key. */
  checkpointAudit(): Promise<CheckpointOutcome | null>;
  /** Approve / Reject from Slack messages; null unless `notifications.slack.signingSecretFile` is set. */
  readonly slack: SlackInteractions | null;
  /** Closes the store; nothing may use the core afterwards. */
  close(): Promise<void>;
}
