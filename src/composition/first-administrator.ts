import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createFirstAdministrator, hasAdministrator } from '../app/admin/first-admin.js';
import type { Core } from '../app/core.js';
import { ConfigError } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** Creates the bootstrap administrator when configured, and says how to make one when none exists. */
export async function firstAdministrator(core: Core, config: Config, logger: Logger): Promise<void> {
  const log = logger.child({ component: 'bootstrap' });
  if (config.bootstrapAdmin !== undefined && config.bootstrapAdminPasswordFile !== undefined && !(await hasAdministrator(core.deps))) {
    let password: string;
    try {
      password = readFileSync(config.bootstrapAdminPasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new ConfigError(`bootstrapAdminPasswordFile: cannot read ${config.bootstrapAdminPasswordFile}: ${(e as Error).message}`);
    }
    await createFirstAdministrator(core.deps, core.hasher, config.bootstrapAdmin, password);
    log.warn({ login: config.bootstrapAdmin }, 'first administrator created from bootstrapAdmin; remove the bootstrap settings and the password file');
  }
  if (!(await hasAdministrator(core.deps))) {
    const where = config.database === undefined ? `--data ${config.dataDir}` : '--database URL';
    log.warn(
      `no administrator exists: nobody can manage users, groups or roles through the API. Create one with \`elevate init ${where} --admin LOGIN --password-file FILE\` ` +
        '(or `elevate user add LOGIN --admin`), or start with ELEVATE_BOOTSTRAP_ADMIN=LOGIN and ELEVATE_BOOTSTRAP_ADMIN_PASSWORD_FILE=FILE',
    );
  }
}
