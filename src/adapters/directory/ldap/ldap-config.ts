import { readFileSync } from 'node:fs';
import { Filter } from 'ldapts';
import { LOGIN_PLACEHOLDER } from '../../../domain/account/account.js';

/**
 * One LDAP directory's settings, as the adapters use them. The config file's `directories` are
 * validated into this shape by src/config/ldap-directory.ts, where each setting is described; the
 * composition root hands them over, so the compiler checks the two agree.
 */
export interface LdapDirectoryConfig {
  readonly url: string;
  readonly startTls: boolean;
  readonly caFile?: string | undefined;
  readonly bindDn: string;
  readonly bindPasswordFile?: string | undefined;
  readonly bindPasswordEnv?: string | undefined;
  readonly userBase: string;
  /** Finds the one entry of a login; LOGIN_PLACEHOLDER stands for the login (see userFilterFor). */
  readonly userFilter: string;
  readonly loginAttribute: string;
  /** Where a user's email address is; `mail` when absent. */
  readonly mailAttribute?: string | undefined;
  readonly timeoutMs: number;
  readonly adTimeLimitedMembers: boolean;
  readonly signIn: boolean;
  readonly emptyGroupMember?: string | undefined;
}

/** The same settings with `userBase` optional: what `elevate directory test --url ...` can try. */
export type LdapProbeConfig = Omit<LdapDirectoryConfig, 'userBase'> & { readonly userBase?: string | undefined };

/**
 * The user filter for one login. The login is escaped with ldapts' RFC 4515 escaping, so input
 * such as `*)(uid=*` matches nothing instead of everything.
 */
export function userFilterFor(config: { userFilter: string }, login: string): string {
  return config.userFilter.replaceAll(LOGIN_PLACEHOLDER, Filter.escape(login));
}

/** Why the bind password could not be read. The message names where it was looked for, never a value. */
export class BindPasswordError extends Error {
  override readonly name = 'BindPasswordError';
}

/**
 * Reads the service account's password, at connect time so a rotated file is picked up without a
 * restart. The value goes to the bind request and nowhere else: not into errors, not into logs.
 */
export function readBindPassword(
  config: { bindPasswordFile?: string | undefined; bindPasswordEnv?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string {
  let password: string;
  if (config.bindPasswordFile !== undefined) {
    try {
      password = readFileSync(config.bindPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
      throw new BindPasswordError(`cannot read the bind password file ${config.bindPasswordFile}: ${why}`);
    }
    if (password === '') throw new BindPasswordError(`the bind password file ${config.bindPasswordFile} is empty`);
  } else if (config.bindPasswordEnv !== undefined) {
    password = env[config.bindPasswordEnv] ?? '';
    if (password === '') throw new BindPasswordError(`the environment variable ${config.bindPasswordEnv} (bind password) is not set or empty`);
  } else {
    throw new BindPasswordError('no bind password configured: give bindPasswordFile or bindPasswordEnv');
  }
  return password;
}
