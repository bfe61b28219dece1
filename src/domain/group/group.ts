/** How an LDAP group lists its members: by DN (`member`, `uniqueMember`) or by login (`memberUid`). */
export const MEMBER_ATTRIBUTES = ['member', 'uniqueMember', 'memberUid'] as const;
export type MemberAttribute = (typeof MEMBER_ATTRIBUTES)[number];

/** A security group an elevation grants. `directory` names where its membership lives. */
export interface Group {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  /** 'embedded' is Elevate's own store; other names refer to configured directories. */
  readonly directory: string;
  /** The group's DN in an LDAP directory; null in the embedded one. */
  readonly dn: string | null;
  /** The attribute that lists members in an LDAP directory; null in the embedded one. */
  readonly memberAttribute: MemberAttribute | null;
  /** What the reconciler does about members the active grants do not explain (or lack). */
  readonly reconcile: ReconcileMode;
}

/** off: leave the group alone; report: audit the drift; enforce: correct it and audit that. */
export const RECONCILE_MODES = ['off', 'report', 'enforce'] as const;
export type ReconcileMode = (typeof RECONCILE_MODES)[number];

const NAME = /^[^\x00-\x1f\x7f]{1,128}$/;

export function isValidGroupName(name: string): boolean {
  return NAME.test(name) && name.trim() === name;
}
