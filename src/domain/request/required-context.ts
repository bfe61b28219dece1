import { DomainError } from '../errors.js';
import type { Role } from '../role/role.js';

/** A ticket reference is an id, not a story: long enough for any tracker's keys. */
export const MAX_TICKET_LENGTH = 64;
/** Patterns are administrators' regular expressions; short ones keep matching cheap. */
export const MAX_TICKET_PATTERN_LENGTH = 200;
export const MAX_JUSTIFICATION_MIN_LENGTH = 1000;

/** What a role asks a requester to say before asking (issue 14, "required context"). */
export type RequiredContext = Pick<Role, 'name' | 'justificationRequired' | 'justificationMinLength' | 'ticketPattern'>;

/** The pattern as a RegExp, or why it is not one. */
export function compileTicketPattern(pattern: string): RegExp | string {
  if (pattern.length === 0 || pattern.length > MAX_TICKET_PATTERN_LENGTH) return `a ticket pattern has 1 to ${MAX_TICKET_PATTERN_LENGTH} characters`;
  try {
    return new RegExp(pattern, 'u');
  } catch (e) {
    return `'${pattern}' is not a regular expression (${(e as Error).message})`;
  }
}

/**
 * Refuses a request that lacks what its role requires: a justification (of a minimum length), a
 * ticket reference matching the role's pattern. A ticket given to a role without a pattern is kept
 * as given. Returns the ticket to store (trimmed; null when none).
 */
export function checkRequiredContext(role: RequiredContext, justification: string | null, ticketId: string | null): string | null {
  const said = (justification ?? '').trim();
  if (role.justificationRequired && said === '') {
    throw new DomainError('BadRequest', `Role '${role.name}' needs a justification: say why you need it.`);
  }
  if (said !== '' || role.justificationRequired) {
    if ([...said].length < role.justificationMinLength) {
      throw new DomainError('BadRequest', `Role '${role.name}' needs a justification of at least ${role.justificationMinLength} characters.`);
    }
  }
  const ticket = ticketId === null || ticketId.trim() === '' ? null : ticketId.trim();
  if (ticket !== null && (ticket.length > MAX_TICKET_LENGTH || /[\x00-\x1f\x7f]/.test(ticket))) {
    throw new DomainError('BadRequest', `TicketId must be at most ${MAX_TICKET_LENGTH} printable characters.`);
  }
  if (role.ticketPattern !== null) {
    const re = compileTicketPattern(role.ticketPattern);
    if (ticket === null) throw new DomainError('BadRequest', `Role '${role.name}' needs a ticket reference (TicketId) matching ${role.ticketPattern}.`);
    if (typeof re === 'string' || !re.test(ticket)) {
      throw new DomainError('BadRequest', `TicketId '${ticket}' does not match the pattern ${role.ticketPattern} of role '${role.name}'.`);
    }
  }
  return ticket;
}
