import { CliError } from './cli-error.js';

/** The OData error body the API answers with; the sample portal reads the same field. */
interface ODataErrorBody {
  readonly 'odata.error'?: { readonly code?: string; readonly message?: { readonly value?: string } };
}

/** A collection as the API returns it. */
interface Collection<T> {
  readonly value: T[];
}

const TIMEOUT_MS = 30_000;

/** An OData string literal: single quotes, with a quote inside doubled (OData v3 ABNF). */
export function odataString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(s: string): boolean {
  return GUID.test(s);
}

/**
 * Talks to a running server the way the MIM cmdlets and the sample portal did: Basic credentials on
 * every call, URLs formed as the spec writes them (`pamrequests(guid'…')/Close`).
 */
export class PamClient {
  readonly #server: URL;
  readonly #base: URL;
  readonly #authorization: string;

  /** `authorization` is the whole header value: Basic credentials or `Bearer <API token>`. */
  constructor(server: URL, authorization: string) {
    // Keep any path prefix a reverse proxy adds in front of the API.
    this.#server = server;
    this.#base = new URL(`${server.pathname.replace(/\/+$/, '')}/api/pamresources/`, server);
    this.#authorization = authorization;
  }

  get server(): URL {
    return this.#server;
  }

  /** GET an entity set, optionally filtered; returns its `value` array. */
  async list<T>(entitySet: string, filter?: string): Promise<T[]> {
    // encodeURIComponent rather than URLSearchParams: a '+' for a space is read as a literal plus
    // by some OData servers, '%20' by all.
    const query = filter === undefined ? '' : `?$filter=${encodeURIComponent(filter)}`;
    const body = (await this.#send('GET', `${entitySet}${query}`)) as Collection<T> | undefined;
    if (!body || !Array.isArray(body.value)) throw new CliError(`the server's answer to GET ${entitySet} has no 'value' list`);
    return body.value;
  }

  /**
   * POST with parameters form-encoded, as the sample portal sends them (the API also takes JSON,
   * but the form is the path every MIM client exercised). Returns the parsed body, if any.
   */
  async post(path: string, params?: Record<string, string>): Promise<unknown> {
    return this.#send('POST', path, params && new URLSearchParams(params));
  }

  /** DELETE with parameters form-encoded (an Elevate extension's proof, such as `Code`). */
  async delete(path: `/${string}`, params?: Record<string, string>): Promise<unknown> {
    return this.#send('DELETE', path, params && new URLSearchParams(params));
  }

  /** GET an Elevate extension outside the MIM API, by its path from the server root (`/api/mfa`). */
  async get(path: `/${string}`): Promise<unknown> {
    return this.#send('GET', path);
  }

  /** Like get, but `undefined` when the server answers 404 (a server without that extension). */
  async getIfPresent(path: `/${string}`): Promise<unknown> {
    return this.#send('GET', path, undefined, true);
  }

  async #send(method: string, path: string, body?: URLSearchParams, absentOn404 = false): Promise<unknown> {
    // Paths from the root (extensions such as /api/mfa) keep the proxy prefix too.
    const url = path.startsWith('/') ? new URL(`${this.#server.pathname.replace(/\/+$/, '')}${path}`, this.#server) : new URL(path, this.#base);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: this.#authorization, accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new CliError(`cannot reach the server at ${this.#base.origin}: ${why}`);
    }
    const text = await res.text();
    if (absentOn404 && res.status === 404) return undefined;
    if (!res.ok) throw new CliError(errorMessage(res, text), 1, errorCode(text));
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CliError(`the server answered ${method} ${path} with something that is not JSON`);
    }
  }
}

function errorCode(text: string): string | null {
  try {
    return (JSON.parse(text) as ODataErrorBody)['odata.error']?.code ?? null;
  } catch {
    return null; // not JSON: no code to react to
  }
}

/** The server's own words when it gave them, else the HTTP status. */
function errorMessage(res: Response, text: string): string {
  let value: string | undefined;
  try {
    value = (JSON.parse(text) as ODataErrorBody)['odata.error']?.message?.value;
  } catch {
    // Not JSON (a proxy's HTML page, say): fall back to the status line below.
  }
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return value ? `${value} (${status})` : `the server answered ${status}`;
}
