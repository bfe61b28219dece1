import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdirDurably, writeFileDurably } from '../fs/durable-file.js';
import { MFA_KEY_BYTES } from './aes-gcm-secret-box.js';

export const GENERATED_KEY_FILE = 'mfa.key';

export interface MfaKeySource {
  /** The key itself (base64 or hex), from `mfaKey` / ELEVATE_MFA_KEY. */
  readonly key?: string | undefined;
  /** A file holding it, from `mfaKeyFile` / ELEVATE_MFA_KEY_FILE. */
  readonly keyFile?: string | undefined;
  readonly dataDir: string;
}

export interface LoadedMfaKey {
  readonly key: Buffer;
  /** Where it came from, for the start-up log; never the key. */
  readonly origin: 'config' | 'file' | 'generated' | 'data-dir';
  readonly path: string | null;
  /** Something an operator should fix, such as a key file others can read. */
  readonly warning: string | null;
}

/** 32 bytes written as base64 (44 characters), base64url (43) or hex (64). */
export function parseMfaKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64') : null;
  if (!key || key.length !== MFA_KEY_BYTES) {
    throw new Error(`the MFA key in ${where} must be ${MFA_KEY_BYTES} random bytes as base64 or hex (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/**
 * The key that seals MFA secrets. Configured (value or file) when given; otherwise the data
 * directory's own `mfa.key`, created with mode 0600 on first start so a demo runs with no setup.
 * Such a key sits beside the data it protects, so it guards backups of the database file only;
 * the caller warns that production should supply one.
 */
export function loadMfaKey(src: MfaKeySource): LoadedMfaKey {
  if (src.key !== undefined && src.keyFile !== undefined) throw new Error('give the MFA key once: mfaKey or mfaKeyFile, not both');
  if (src.key !== undefined) return { key: parseMfaKey(src.key, 'mfaKey (ELEVATE_MFA_KEY)'), origin: 'config', path: null, warning: null };
  if (src.keyFile !== undefined) return { ...readKeyFile(src.keyFile), origin: 'file', path: src.keyFile };
  const path = join(src.dataDir, GENERATED_KEY_FILE);
  mkdirDurably(src.dataDir, 0o700);
  try {
    // Exclusive, so two processes starting together cannot both write one; durable (fsynced file
    // and directory) before any secret is sealed with it, or a power cut could take the key and
    // leave the sealed secrets behind.
    writeFileDurably(path, `${randomBytes(MFA_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, exclusive: true });
    return { ...readKeyFile(path), origin: 'generated', path };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return { ...readKeyFile(path), origin: 'data-dir', path };
}

function readKeyFile(path: string): { key: Buffer; warning: string | null } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the MFA key file ${path}: ${(e as Error).message}`);
  }
  // A warning, not a refusal: mounted secrets (Kubernetes, Docker) are often 0644 inside a private mount.
  const loose = (statSync(path).mode & 0o077) !== 0;
  return { key: parseMfaKey(text, path), warning: loose ? `the MFA key file ${path} is readable by other users; chmod 600 it` : null };
}
