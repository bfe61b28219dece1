// The composition root: the only place adapters are built. Its parts live in composition/, one
// concern a file; this file names what the CLI (through src/elevate.ts) and the tests call.
import { checkDirectory } from './adapters/directory/ldap/directory-check.js';
import { generateSigningKey } from './adapters/crypto/ed25519-checkpoint-keys.js';
import type { Wiring } from './cli/wiring.js';
import { auditVerifyInputs } from './composition/audit-checkpoints.js';
import { openCore } from './composition/open-core.js';
import { copyToPostgres, migrateStore } from './composition/open-store.js';
import { startServer } from './composition/start-server.js';
import { backupStore, describeStore, restoreStore, storeState } from './composition/store-admin.js';

// The app-facing type lives beside the app layer; named here too for callers of openCore.
export type { Core } from './app/core.js';
export { auditVerifyInputs, checkpointFilePath } from './composition/audit-checkpoints.js';
export { auditSinks } from './composition/audit-export.js';
export { createLogger } from './composition/logger.js';
export { notificationChannels } from './composition/notification-channels.js';
export { type CoreOptions, openCore } from './composition/open-core.js';
export { copyToPostgres, migrateStore, openStore } from './composition/open-store.js';
export { type RunningServer, startServer } from './composition/start-server.js';

/**
 * What the CLI asks the composition root for; src/elevate.ts hands it to the CLI, which never
 * imports this file. Each member is checked against the CLI's own description of it (Wiring).
 */
export const wiring: Wiring = {
  openCore: (config) => openCore(config),
  startServer: (config) => startServer(config),
  migrateStore,
  describeStore,
  copyToPostgres,
  auditVerifyInputs,
  generateAuditSigningKey: generateSigningKey,
  checkDirectory: (settings, opts) => checkDirectory(settings, opts),
  storeState,
  backupStore,
  restoreStore,
};
