import type { Instant } from '../../domain/time.js';
import type { RetryState } from './retry-state.js';

/** A grant or revoke waiting for (or confirmed by) a directory outside the store. */
export interface OutboxJob extends RetryState {
  readonly id: number;
  readonly requestId: string;
  readonly kind: 'grant' | 'revoke';
  readonly groupId: string;
  readonly accountId: string;
}

/**
 * The durable outbox. Jobs are written in the same transaction as the state change that causes
 * them, and never dropped: a failing job is retried until the directory confirms it.
 */
export interface OutboxRepo {
  /** Queues a job, first tried at its `createdAt`. */
  enqueue(job: Pick<OutboxJob, 'requestId' | 'kind' | 'groupId' | 'accountId' | 'createdAt'>): Promise<void>;
  /**
   * Takes jobs whose next attempt is due, oldest first, and only the first open job of each
   * (group, account) pair: a revoke must never overtake the grant before it, nor the reverse. Jobs
   * another worker's claim still covers are skipped; those taken are claimed until `until`.
   * Directory calls happen outside transactions, so the claim is a lease: a node that dies with
   * jobs claimed leaves them to the others once `until` passes.
   */
  claim(now: Instant, until: Instant, limit: number): Promise<OutboxJob[]>;
  /** Records the job as done; false when it already was (another worker finished it first). */
  markDone(id: number, at: Instant): Promise<boolean>;
  /** Records a failed attempt and releases the claim. */
  markFailed(id: number, attempts: number, nextAttemptAt: Instant, error: string): Promise<void>;
  /** How many jobs of `kind` for the request are not done yet. */
  openFor(requestId: string, kind: OutboxJob['kind']): Promise<number>;
  /** How many jobs for `groupId` are not done yet (a group must not vanish under them). */
  openForGroup(groupId: string): Promise<number>;
  /** Jobs not done yet, oldest first (for `elevate outbox`). */
  open(limit: number): Promise<OutboxJob[]>;
  /** When the earliest open job may next be tried. */
  nextAttemptAt(): Promise<Instant | null>;
}
