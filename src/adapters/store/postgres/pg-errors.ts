import { DomainError } from '../../../domain/errors.js';

/** Errors that mean "the same transaction, run again, may well succeed". */
export function isRetryable(e: unknown): boolean {
  const code = codeOf(e);
  return code === '40001' || code === '40P01'; // serialization_failure, deadlock_detected
}

/**
 * Errors on which a member of a group commit runs again alone: those above, and a lock timeout
 * (lock_not_available), which in a group means a lock held outside it (see PostgresStore).
 */
export function runsAgainAlone(e: unknown): boolean {
  return isRetryable(e) || codeOf(e) === '55P03';
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

// pg raises these without a code when the socket goes or the pool cannot connect in time.
const LOST = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection ended/i;

/**
 * Infrastructure failures become the few domain codes the HTTP layer answers (503, 409, 400).
 * SQLSTATE classes: 08 connection, 57P0x shutdown, 57014 statement timeout, 53 resources,
 * 23505/23503 unique and foreign key, 22 data (a filter value the column's type cannot hold).
 */
export function translatePgError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const code = codeOf(e);
  const message = e instanceof Error ? e.message : '';
  if (
    NETWORK.has(code) ||
    code.startsWith('08') ||
    code.startsWith('53') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '57014' ||
    isRetryable(e) ||
    (code === '' && LOST.test(message))
  ) {
    return new DomainError('StoreUnavailable', 'The store is busy or unavailable; try again shortly.');
  }
  if (code === '23505' || code === '23503') {
    return new DomainError('Conflict', 'That conflicts with something already stored (a name or id is taken, or it is still in use).');
  }
  if (code.startsWith('22')) {
    return new DomainError('BadRequest', 'A value does not fit the type of the property it is compared with.');
  }
  return e;
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
