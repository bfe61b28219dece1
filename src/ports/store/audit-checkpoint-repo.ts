import type { AuditCheckpoint } from '../../domain/audit/checkpoint.js';

/** Signed audit checkpoints kept in the store (their copy outside it is the CheckpointLog). */
export interface AuditCheckpointRepo {
  /** Stores a checkpoint; false when one for the same seq is already there (another node signed it). */
  insert(c: AuditCheckpoint): Promise<boolean>;
  /**
   * Checkpoints with seq in (`afterSeq`, `uptoSeq`], by seq, at most one per seq (the newest signed
   * there): what the audit export sends after the entries they cover.
   */
  between(afterSeq: number, uptoSeq: number): Promise<AuditCheckpoint[]>;
  /** The newest stored checkpoint (furthest along the chain), or undefined. */
  latest(): Promise<AuditCheckpoint | undefined>;
}
