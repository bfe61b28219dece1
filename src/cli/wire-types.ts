// What the MIM PAM API returns, as far as the CLI reads it: the one wire contract in src/wire/
// (spec: "Resources and operations"), shared with the server's OpenAPI document and the portal.
export type { WireApproval, WireEnding, WireRequest, WireRole } from '../wire/mim.js';

// The wire spells statuses as the domain does; one list serves both.
export { REQUEST_STATUSES } from '../domain/request/request.js';

/** A `$filter` datetime literal; the wire wants UTC with a Z. */
export const odataDateTime = (at: number) => `datetime'${new Date(at).toISOString()}'`;
