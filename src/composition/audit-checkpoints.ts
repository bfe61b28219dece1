import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CheckpointFile, readCheckpointFile } from '../adapters/audit/checkpoint-file.js';
import { checkpointVerifier, loadPublicKey, loadSigningKey } from '../adapters/crypto/ed25519-checkpoint-keys.js';
import type { CheckpointSource } from '../app/audit/verify-audit-trail.js';
import type { Core } from '../app/core.js';
import type { Config } from '../config/schema.js';
import type { CheckpointVerifier } from '../ports/audit-checkpoints.js';

/** Where checkpoints are appended: configured, or beside the embedded store. */
export function checkpointFilePath(config: Config): string {
  return config.audit.checkpointFile ?? join(config.dataDir, 'audit-checkpoints.jsonl');
}

export function openCheckpointKit(config: Config): Core['auditCheckpoints'] {
  if (config.audit.signingKeyFile === undefined) return null;
  const { signer, publicKey, warning } = loadSigningKey(config.audit.signingKeyFile);
  return { signer, verifier: checkpointVerifier([publicKey]), log: new CheckpointFile(checkpointFilePath(config)), warning };
}

/**
 * What `elevate audit verify` checks checkpoints with: the public keys given (else the configured
 * signing key's public half) and the checkpoint files given (else the configured one, when it exists).
 */
export function auditVerifyInputs(
  config: Config,
  given: { readonly checkpointFiles: readonly string[]; readonly publicKeyFiles: readonly string[] },
): { verifier: CheckpointVerifier | null; sources: CheckpointSource[]; notes: string[] } {
  const notes: string[] = [];
  const keys = given.publicKeyFiles.map(loadPublicKey);
  if (keys.length === 0 && config.audit.signingKeyFile !== undefined) keys.push(loadSigningKey(config.audit.signingKeyFile).publicKey);
  const files = [...given.checkpointFiles];
  if (files.length === 0) {
    const configured = checkpointFilePath(config);
    if (existsSync(configured)) files.push(configured);
    else if (config.audit.signingKeyFile !== undefined) notes.push(`the checkpoint file ${configured} does not exist; only the store's checkpoints are checked`);
  }
  const sources = files.map((f) => {
    const { checkpoints, tornLastLine } = readCheckpointFile(f);
    if (tornLastLine) notes.push(`the last line of ${f} is incomplete (an append cut short by a crash) and was ignored`);
    return { where: f, checkpoints };
  });
  return { verifier: keys.length > 0 ? checkpointVerifier(keys) : null, sources, notes };
}

/**
 * Checkpoints the audit head at start, every `audit.checkpointIntervalSeconds` when it moved, and
 * at shutdown. Entries after the newest checkpoint are protected by the chain alone, so the
 * interval is the window in which a cut tail would go unseen.
 */
export function startCheckpoints(core: Core, config: Config, logger: Logger): { stop(): Promise<void> } {
  const log = logger.child({ component: 'audit' });
  const kit = core.auditCheckpoints;
  if (!kit) {
    log.warn('audit checkpoints are not configured (audit.signingKeyFile): the hash chain shows an edited entry, but not a cut tail or a history re-chained after an edit; see `elevate audit keygen`');
    return { stop: async () => {} };
  }
  if (kit.warning) log.warn(kit.warning);
  log.info({ keyId: kit.signer.keyId, checkpointFile: kit.log.path }, 'signing audit checkpoints');
  let running: Promise<void> = Promise.resolve();
  const once = () =>
    (running = running.then(async () => {
      try {
        const r = await core.checkpointAudit();
        if (r?.kind === 'signed') log.debug({ seq: r.checkpoint.seq }, 'audit checkpoint signed');
        // An alarm, repeated every round until someone looks: the trail contradicts its own checkpoint.
        if (r?.kind === 'refused') log.error({ reason: r.reason }, 'audit checkpoint NOT signed: the audit trail does not extend its last checkpoint; run `elevate audit verify`');
      } catch (err) {
        log.error({ err }, 'audit checkpoint failed; will try again');
      }
    }));
  void once();
  const timer = setInterval(() => void once(), config.audit.checkpointIntervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await once();
    },
  };
}
