import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect, serverUrl } from '../client-command.js';
import { forgetLogin, storeLogin, storedLogin } from '../credentials-file.js';
import { formatLocalTime } from '../format-time.js';
import { emit } from '../output.js';
import { PamClient } from '../pam-client.js';
import { parseDuration } from '../parse-duration.js';
import { formatTable } from '../table.js';

interface WireToken {
  name: string;
  login: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

interface TokenFlags extends ClientOptions {
  readonly for?: string;
}

interface CreateFlags extends TokenFlags {
  readonly name: string;
  readonly scope: string;
  readonly expires?: string;
}

/** /api/me/tokens, or an administrator's /api/admin/users/LOGIN/tokens with --for. */
const tokensPath = (f: TokenFlags): `/${string}` => (f.for ? `/api/admin/users/${encodeURIComponent(f.for)}/tokens` : '/api/me/tokens');

const forFlag = (c: Command) => c.option('--for <login>', "an administrator managing someone else's tokens (a service account's, say)");

function createBody(name: string, scope: string, expires: string | undefined): Record<string, string> {
  return { name, scopes: scope, ...(expires !== undefined && { expiresInSeconds: String(parseDuration(expires, '--expires')) }) };
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens: for scripts and automation, sent as Authorization: Bearer (docs/token-api.md)');

  forFlag(clientCommand(token, 'create', 'create an API token; it is printed once and cannot be shown again'))
    .requiredOption('--name <name>', 'a name for the token, unique per user (shown in the audit trail)')
    .requiredOption('--scope <scopes>', 'what it may do, comma-separated: read, request, approve, admin')
    .option('--expires <duration>', 'how long it lives, e.g. 12h or 30d (default 90d, at most 366d)')
    .action(async (f: CreateFlags) => {
      // Tokens are made with a password, never with another token.
      const api = await connect(f, process.env, { password: true });
      const t = (await api.post(tokensPath(f), createBody(f.name, f.scope, f.expires))) as WireToken & { token: string };
      emit(f, t, () =>
        formatTable(['', ''], [
          ['token', t.token],
          ['name', t.name],
          ['user', t.login],
          ['scopes', t.scopes.join(',')],
          ['expires', formatLocalTime(t.expiresAt)],
          ['note', 'shown once: store it in your secret store now'],
        ]),
      );
    });

  forFlag(clientCommand(token, 'list', 'list API tokens (never the tokens themselves)')).action(async (f: TokenFlags) => {
    const { value } = (await (await connect(f)).get(tokensPath(f))) as { value: WireToken[] };
    emit(f, value, () =>
      formatTable(['NAME', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED'], value.map((t) => [t.name, t.scopes.join(','), formatLocalTime(t.createdAt), formatLocalTime(t.expiresAt), t.lastUsedAt ? formatLocalTime(t.lastUsedAt) : '-'])),
    );
  });

  forFlag(clientCommand(token, 'revoke <name>', 'revoke an API token at once')).action(async (name: string, f: TokenFlags) => {
    await (await connect(f, process.env, { password: true })).delete(`${tokensPath(f)}/${encodeURIComponent(name)}`);
    emit(f, { revoked: { token: name } }, () => `revoked: token ${name}`);
  });

  clientCommand(program, 'login', 'sign in once and keep a token for later commands (in ~/.config/elevate, readable only by you)')
    .option('--scope <scopes>', 'what the stored token may do', 'read,request,approve')
    .option('--expires <duration>', 'how long it lives', '12h')
    .action(async (f: ClientOptions & { scope: string; expires: string }) => {
      const api = await connect(f, process.env, { password: true });
      const name = `cli-${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
      const t = (await api.post('/api/me/tokens', createBody(name, f.scope, f.expires))) as WireToken & { token: string };
      const path = storeLogin(api.server, { login: t.login, name: t.name, token: t.token, expiresAt: t.expiresAt });
      emit(f, { login: t.login, name: t.name, scopes: t.scopes, expiresAt: t.expiresAt, file: path }, () => `signed in as ${t.login} until ${formatLocalTime(t.expiresAt)} (token ${t.name}, kept in ${path})`);
    });

  clientCommand(program, 'logout', 'revoke the token `elevate login` stored for this server, and forget it').action(async (f: ClientOptions) => {
    const server = serverUrl(f);
    const stored = storedLogin(server);
    if (!stored) throw new CliError(`not signed in to ${server.href}`);
    try {
      await new PamClient(server, `Bearer ${stored.token}`).delete('/api/me/tokens/current');
    } catch (e) {
      // Expired or revoked already: the server has nothing left to end, so forgetting it is enough.
      if (!(e instanceof CliError && /HTTP 401/.test(e.message))) throw e;
    }
    forgetLogin(server);
    emit(f, { loggedOut: { login: stored.login, token: stored.name } }, () => `signed out ${stored.login} (token ${stored.name} revoked)`);
  });
}
