import type { MemberAttribute } from '../domain/group/group.js';

/** The steps of a conversation with a directory, in order; `elevate directory test` reports each. */
export type DirectoryStep = 'connect' | 'tls' | 'bind' | 'user-lookup' | 'group';

/** One step of a directory check and how it went. */
export interface CheckStep {
  readonly step: DirectoryStep;
  readonly ok: boolean;
  /** What was found or what is wrong, for a person. Never holds a password. */
  readonly detail: string;
}

/** A group whose DN a check reads. */
export interface GroupToCheck {
  readonly dn: string;
  readonly memberAttribute?: MemberAttribute | null | undefined;
  /** The Elevate group, when the DN comes from the store. */
  readonly name?: string | undefined;
}

/** What a check tries besides connecting and binding. */
export interface CheckOptions {
  /** Try the user filter with this login. */
  readonly login?: string | undefined;
  readonly groupDns?: readonly string[] | undefined;
  readonly groups?: readonly GroupToCheck[] | undefined;
}
