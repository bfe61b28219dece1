/**
 * What a transition asks the outside world to do. Effects are data: the application layer stores
 * or applies them in the same transaction as the state change that caused them.
 */
export type Effect =
  | { readonly kind: 'grant'; readonly requestId: string; readonly accountId: string; readonly roleId: string }
  | { readonly kind: 'revoke'; readonly requestId: string; readonly accountId: string; readonly roleId: string };
