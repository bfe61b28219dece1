import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { type ClientOptions, clientCommand, connect } from '../client-command.js';
import { emit } from '../output.js';

export function registerWhoamiCommand(program: Command): void {
  clientCommand(program, 'whoami', 'who the server says you are signed in as (sessioninfo)').action(async (f: ClientOptions) => {
    const api = await connect(f);
    const [session] = await api.list<{ Username: string }>('sessioninfo');
    if (!session) throw new CliError('the server returned no session');
    emit(f, session, () => session.Username);
  });
}
