import { Command } from 'commander';
import { registerCompletionCommand } from './completion.js';
import { registerApplyCommand } from './commands/apply.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerBreakGlassCommands } from './commands/break-glass.js';
import { registerDbCommands } from './commands/db.js';
import { registerDecisionsCommand } from './commands/decisions.js';
import { registerDirectoryCommands } from './commands/directory.js';
import { registerGroupCommands } from './commands/group.js';
import { registerMfaCommands } from './commands/mfa.js';
import { registerOutboxCommand } from './commands/outbox.js';
import { registerPamApprovalCommands } from './commands/pam-approvals.js';
import { registerPamRequestCommands } from './commands/pam-requests.js';
import { registerPamRolesCommand } from './commands/pam-roles.js';
import { registerRevokeCommand } from './commands/revoke.js';
import { registerRoleCommands } from './commands/role.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStoreFileCommands } from './commands/store-files.js';
import { registerTokenCommands } from './commands/token.js';
import { registerUserCommands } from './commands/user.js';
import { registerWhoamiCommand } from './commands/whoami.js';

/**
 * The whole command tree. Settings made here before any `.command()` call are inherited by every
 * subcommand, exitOverride included, so misuse anywhere surfaces as a CommanderError to map to exit 2.
 */
export function buildProgram(version: string): Command {
  const program = new Command('elevate')
    .description('Elevate: just-in-time privileged access with a MIM 2016 PAM compatible REST API')
    .version(version)
    .exitOverride()
    // One error format for every command: `elevate: <message>`, as run.ts prints its own errors.
    .configureOutput({ outputError: (str, write) => write(`elevate: ${str.replace(/^error: /, '')}`) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nServer: serve. Installation: init, backup, restore, db. Administration on the store: user, group, role, revoke, apply, audit, outbox.\n' +
        'Self-service against a running server: roles, request, requests, close, approvals, approve, reject, whoami, mfa\n' +
        '(credentials from ELEVATE_USER / ELEVATE_PASSWORD or --user and a prompt; server from ELEVATE_SERVER or --server).',
    );
  registerServeCommand(program);
  registerUserCommands(program);
  registerGroupCommands(program);
  registerRoleCommands(program);
  registerRevokeCommand(program);
  registerApplyCommand(program);
  registerAuditCommands(program);
  registerDirectoryCommands(program);
  registerOutboxCommand(program);
  registerDbCommands(program);
  registerStoreFileCommands(program);
  registerPamRolesCommand(program);
  registerPamRequestCommands(program);
  registerPamApprovalCommands(program);
  registerBreakGlassCommands(program);
  registerDecisionsCommand(program);
  registerWhoamiCommand(program);
  registerMfaCommands(program);
  registerTokenCommands(program);
  registerCompletionCommand(program);
  return program;
}
