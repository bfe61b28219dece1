import { DomainError } from '../../domain/errors.js';
import type { Caller } from '../deps.js';

/** The operator at the server's own console (the CLI with access to the data directory). */
export const LOCAL_OPERATOR: Caller = Object.freeze({ accountId: 'local-operator', login: 'local-operator', isAdmin: true });

export function requireAdmin(caller: Caller): void {
  if (!caller.isAdmin) throw new DomainError('Forbidden', 'Only administrators can manage users, groups and roles.');
}
