/**
 * A role's own notification settings (issue 15), each overriding the server's: how long before the
 * end its holders are warned, and the Slack channel and Teams webhook its events go to instead of
 * the global ones. The Teams webhook is named, not given: its URL is a secret, kept in a file the
 * config names (`notifications.teams.channels`), never in the store or the admin API.
 */
export interface RoleNotify {
  /** Minutes before the end the holder is warned (0: never); null: the server's expiryWarningMinutes. */
  readonly expiryWarningMinutes: number | null;
  /** A Slack channel (`#db-admins`, or an id); null: the global channel. */
  readonly slackChannel: string | null;
  /** The name of a Teams webhook in the config; null: the global webhook. */
  readonly teamsChannel: string | null;
}

export const NO_ROLE_NOTIFY: RoleNotify = Object.freeze({ expiryWarningMinutes: null, slackChannel: null, teamsChannel: null });

export const MAX_EXPIRY_WARNING_MINUTES = 24 * 60;

/** The lead time of the expiry warning for a role: its own when set, else the server's. */
export function expiryWarningSecondsFor(notify: RoleNotify | undefined, serverSeconds: number): number {
  return notify?.expiryWarningMinutes != null ? notify.expiryWarningMinutes * 60 : serverSeconds;
}

/** What is wrong with a role's settings (null: nothing), checked before they are stored. */
export function roleNotifyProblem(n: RoleNotify): string | null {
  const m = n.expiryWarningMinutes;
  if (m !== null && (!Number.isSafeInteger(m) || m < 0 || m > MAX_EXPIRY_WARNING_MINUTES)) {
    return `notify.expiryWarningMinutes must be a whole number from 0 to ${MAX_EXPIRY_WARNING_MINUTES}; got ${m}`;
  }
  if (n.slackChannel !== null && !/^#?[a-z0-9][a-z0-9._-]{0,79}$|^[CGD][A-Z0-9]{2,}$/.test(n.slackChannel)) {
    return `notify.slackChannel must be a Slack channel name such as #db-admins or an id such as C024BE91L; got '${n.slackChannel}'`;
  }
  if (n.teamsChannel !== null && !/^[a-z][a-z0-9-]{0,31}$/.test(n.teamsChannel)) {
    return `notify.teamsChannel must name a Teams webhook of the config (lower-case letters, digits, dashes); got '${n.teamsChannel}'`;
  }
  return null;
}
