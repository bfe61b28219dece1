import type { AuditCheckpoint } from '../../domain/audit/checkpoint.js';

/** Signed audit checkpoints kept in the store (their copy outside it is the CheckpointLog). */
export interface AuditCheckpointRepo {
  /** Stores a checkpoint; false when one for the same seq is already there (another node signed it). */
  insert(c: AuditCheckpoint): Promise<boolean>;
  /** The newest stored checkpoint (furthest along the chain), or undefined. */
  latest(): Promise<AuditCheckpoint | undefined>;
}
