import type { AuditCheckpoint } from '../domain/audit/checkpoint.js';

/** Signs audit checkpoints with the configured key (Ed25519). */
export interface CheckpointSigner {
  /** The id checkpoints signed here carry (see AuditCheckpoint.keyId). */
  readonly keyId: string;
  /** The signature of `payload` (checkpointPayload's text), base64. */
  sign(payload: string): string;
}

/** Checks checkpoint signatures against the public keys it was given. */
export interface CheckpointVerifier {
  /** Whether a key with this id is known; a checkpoint by an unknown key cannot be trusted. */
  knows(keyId: string): boolean;
  /** Whether the checkpoint's signature is valid under its key; false for an unknown key. */
  verify(c: AuditCheckpoint): boolean;
}

/** The append-only file of checkpoints kept outside the database, to be shipped off the host. */
export interface CheckpointLog {
  readonly path: string;
  /** Appends one checkpoint and returns once it is on disk (fsynced). */
  append(c: AuditCheckpoint): void;
  /** The newest checkpoint in the file (see newestCheckpoint), or undefined when there is none. */
  latest(): AuditCheckpoint | undefined;
}
