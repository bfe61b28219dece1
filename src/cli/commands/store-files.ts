import type { Command } from 'commander';
import { createFirstAdministrator } from '../../app/admin/first-admin.js';
import { loadConfig } from '../../config/load.js';
import { CliError, usageError } from '../cli-error.js';
import { emit, formatFields } from '../output.js';
import { passwordFromFlags } from '../password-input.js';
import { type AdminOptions, adminCommand, withCore } from '../with-core.js';
import { type StoreCopyReport, wiring } from '../wiring.js';

interface InitFlags extends AdminOptions {
  readonly admin: string;
  readonly passwordFile?: string;
  readonly passwordStdin?: boolean;
}

/** The installation as a whole: its first administrator, backups and restores. */
export function registerStoreFileCommands(program: Command): void {
  adminCommand(program, 'init', 'create the store (when missing) and its first administrator', { initFlag: false })
    .requiredOption('--admin <login>', 'login of the first administrator')
    .option('--password-file <file>', "read the administrator's password from a file (one trailing newline is ignored)")
    .option('--password-stdin', "read the administrator's password from standard input")
    .action(async (f: InitFlags) => {
      const password = await passwordFromFlags(f);
      if (password === undefined) throw usageError('give the password with --password-file FILE or --password-stdin');
      const r = await withCore({ ...f, init: true }, (core) => createFirstAdministrator(core.deps, core.hasher, f.admin, password));
      const { describeStore } = await wiring();
      const store = describeStore(loadConfig({ file: f.config, overrides: { dataDir: f.data, database: f.database } }));
      emit(f, { store, created: r.created, user: r.user }, () =>
        r.created ? `created administrator ${r.user.login} in the ${store}` : `unchanged: ${r.user.login} is already an administrator of the ${store}`,
      );
    });

  adminCommand(program, 'backup', 'copy the embedded store into FILE while the server runs (online, consistent), then check the copy', { initFlag: false })
    .requiredOption('--to <file>', 'the backup file to write; never overwritten')
    .action(async (f: AdminOptions & { readonly to: string }) => {
      const config = loadConfig({ file: f.config, overrides: { dataDir: f.data, database: f.database } });
      const r = await (await wiring()).backupStore(config, f.to);
      emit(f, r, () =>
        [
          `backup written to ${r.file} (${Math.round(r.bytes / 1024)} KiB) and checked:`,
          describeCopy(r),
          r.mfaKeyFile
            ? `the data directory's MFA key is in ${r.mfaKeyFile} (mode 0600): a restore needs it; keep it as safe as the backup, or store them apart`
            : 'MFA secrets in it are sealed with your configured key (mfaKey / mfaKeyFile): keep that key backed up apart from it.',
        ].join('\n'),
      );
      if (r.auditBrokenAtSeq !== null) throw new CliError(`the live store's audit chain is broken at seq ${r.auditBrokenAtSeq}; the backup was kept; run \`elevate audit verify\``);
    });

  adminCommand(program, 'restore', 'put a backup in place as the embedded store (stop the server first)', { initFlag: false })
    .requiredOption('--from <file>', 'the backup file')
    .option('--force', 'replace a store that is already there (it is kept beside the restored one)')
    .action(async (f: AdminOptions & { readonly from: string; readonly force?: boolean }) => {
      const config = loadConfig({ file: f.config, overrides: { dataDir: f.data, database: f.database } });
      const r = await (await wiring()).restoreStore(config, f.from, { force: f.force === true, now: new Date() });
      emit(f, r, () =>
        [
          `restored into ${r.dataDir}:`,
          describeCopy(r),
          ...(r.replaced ? [`the store that was there is kept as ${r.replaced}`] : []),
          r.mfaKeyRestored ? 'the MFA key saved with the backup is in the data directory' : 'MFA secrets need the key the backup was sealed with: configure it (mfaKeyFile), or put it in the data directory as mfa.key',
        ].join('\n'),
      );
    });
}

function describeCopy(r: StoreCopyReport): string {
  return formatFields([
    ['schema version', r.schemaVersion ?? 'none'],
    ['requests', String(r.requests)],
    ['audit chain', r.auditBrokenAtSeq === null ? `intact, ${r.auditEntries} entries` : `BROKEN at seq ${r.auditBrokenAtSeq}`],
  ]);
}
