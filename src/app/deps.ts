import type { Seconds } from '../domain/time.js';
import type { TokenScope } from '../domain/token/api-token.js';
import type { AddressBook } from '../ports/address-book.js';
import type { Clock } from '../ports/clock.js';
import type { Directory } from '../ports/directory.js';
import type { IdGenerator } from '../ports/ids.js';
import type { SecretBox } from '../ports/secret-box.js';
import type { ChangeCounts, Store, StoreTx } from '../ports/store.js';
import type { WorkSignal } from './work-signal.js';

/** Policy the use cases read; set from configuration at start-up. */
export interface Policy {
  /** How long a request may wait for an approver before it expires. */
  readonly approvalTimeoutSeconds: Seconds;
  /** The longest activation any role may give (configuration `maxTtlSeconds`). */
  readonly maxTtlSeconds: Seconds;
  /** The longest activation of a break-glass role (configuration `breakGlassMaxTtlSeconds`); one hour when absent. */
  readonly breakGlassMaxTtlSeconds?: Seconds;
  /** How long a request may wait in PendingMFA before it expires. */
  readonly mfaTimeoutSeconds: Seconds;
  /** The zone availability windows and zone-less times are read in when nothing else says. */
  readonly serverTimeZone: string;
  /** Whether a person with no factor may enrol the first without an administrator's enrolment code. */
  readonly mfaSelfEnrolment: boolean;
  /** At most `max` new requests per person in any `windowSeconds`. */
  readonly requestRateLimit: { readonly max: number; readonly windowSeconds: Seconds };
  /** How long before its end an elevation's holder is warned (0: never); the domain's default when absent. */
  readonly expiryWarningSeconds?: Seconds;
  /** A revocation confirmed later than this after the expiry is reported to operations. */
  readonly revocationLateSeconds?: Seconds;
  /** The Teams webhooks the config names, which a role's `notify.teamsChannel` may choose from. */
  readonly teamsChannels?: readonly string[];
}

/** What every use case may use. The composition root (main.ts) builds it once. */
export interface Deps {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly policy: Policy;
  /** Seals MFA secrets before they reach the store and opens them after. */
  readonly secrets: SecretBox;
  /** The directory that holds groups named `name`, working inside `tx` where it can. */
  readonly directoryFor: (tx: StoreTx, name: string) => Directory | undefined;
  /** Email addresses of people whose account has none (LDAP users); absent: only the stored ones. */
  readonly addressBook?: AddressBook;
  /** Raised after a commit that wrote due work or outbox jobs (see inLifecycle); the scheduler listens. */
  readonly workWritten: WorkSignal;
}

/** Who is calling. Resolved by the HTTP or CLI layer before any use case runs. */
export interface Caller {
  readonly accountId: string;
  readonly login: string;
  readonly isAdmin: boolean;
  /**
   * The store's change counters as read while signing this caller in, before anything the call
   * reads: a listing cached at the same counts is still current (see listMyRoles). Absent when the
   * sign-in did not read them (sessions, tokens); then the listing reads them itself.
   */
  readonly changeCounts?: ChangeCounts;
  /** Set when the caller presented an API token rather than a password or a session. */
  readonly token?: { readonly id: string; readonly name: string; readonly scopes: readonly TokenScope[] };
}
