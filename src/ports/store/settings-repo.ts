import type { Instant } from '../../domain/time.js';

/** Small durable key-value settings (e.g. whether demo data was seeded). */
export interface SettingsRepo {
  /** The value stored under `key`, or undefined. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key`, replacing any earlier one. */
  set(key: string, value: string): Promise<void>;
  /**
   * Takes the lease named `key` until `until` when nobody holds it at `now` (absent or lapsed), and
   * says whether it was taken. Concurrent callers on any node: at most one gets it.
   */
  takeLease(key: string, now: Instant, until: Instant): Promise<boolean>;
}
