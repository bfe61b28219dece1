import { type KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type AuditCheckpoint, checkpointPayload } from '../../domain/audit/checkpoint.js';
import type { CheckpointSigner, CheckpointVerifier } from '../../ports/audit-checkpoints.js';
import { writeFileDurably } from '../fs/durable-file.js';

// DER prefixes that turn a raw 32-byte Ed25519 seed or public key into PKCS#8 / SPKI (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** 32 bytes as hex (64 characters) or base64/base64url, else null. */
function raw32(text: string): Buffer | null {
  const t = text.trim();
  const b = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : null; // 'base64' reads the url-safe alphabet too
  return b && b.length === 32 ? b : null;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
}

/** A key id: the first 16 hex digits of SHA-256 over the raw public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der.subarray(SPKI_PREFIX.length)).digest('hex').slice(0, 16);
}

/** Reads an Ed25519 private key: PEM (PKCS#8, as `elevate audit keygen` writes) or a raw 32-byte seed in hex or base64. */
export function loadSigningKey(path: string): { signer: CheckpointSigner; publicKey: KeyObject; warning: string | null } {
  const text = readText(path, 'audit signing key file');
  let key: KeyObject;
  try {
    const seed = raw32(text);
    key = seed ? createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }) : createPrivateKey(text);
  } catch (e) {
    throw new Error(`the audit signing key in ${path} is neither an Ed25519 private key in PEM nor 32 raw bytes as hex or base64: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key in ${path} is a ${key.asymmetricKeyType} key; it must be Ed25519 (elevate audit keygen makes one)`);
  const publicKey = createPublicKey(key);
  const keyId = keyIdOf(publicKey);
  const loose = (statSync(path).mode & 0o077) !== 0;
  return {
    signer: Object.freeze({ keyId, sign: (payload: string) => sign(null, Buffer.from(payload, 'utf8'), key).toString('base64') }),
    publicKey,
    warning: loose ? `the audit signing key file ${path} is readable by other users; chmod 600 it` : null,
  };
}

/** Reads an Ed25519 public key: PEM (SPKI), a private key (its public half is used), or 32 raw bytes in hex or base64. */
export function loadPublicKey(path: string): KeyObject {
  const text = readText(path, 'public key file');
  let key: KeyObject;
  try {
    const raw = raw32(text);
    key = raw ? createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }) : createPublicKey(text);
  } catch (e) {
    throw new Error(`${path} is neither an Ed25519 public key in PEM nor 32 raw bytes as hex or base64: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} holds a ${key.asymmetricKeyType} key; audit checkpoints are signed with Ed25519`);
  return key;
}

/** Verifies checkpoints against the given public keys, chosen by key id. */
export function checkpointVerifier(publicKeys: readonly KeyObject[]): CheckpointVerifier {
  const byId = new Map(publicKeys.map((k) => [keyIdOf(k), k]));
  return Object.freeze({
    knows: (keyId: string) => byId.has(keyId),
    verify(c: AuditCheckpoint): boolean {
      const key = byId.get(c.keyId);
      if (!key || typeof c.signature !== 'string') return false;
      const { signature, ...signed } = c;
      return verify(null, Buffer.from(checkpointPayload(signed), 'utf8'), key, Buffer.from(signature, 'base64'));
    },
  });
}

/**
 * `elevate audit keygen`: a new key pair, the private key in `out` (mode 0600) and the public key
 * beside it in `out.pub`, both written durably and never over an existing file.
 */
export function generateSigningKey(out: string): { privateKeyFile: string; publicKeyFile: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyFile = `${out}.pub`;
  // Checked first so a refusal leaves neither file behind.
  for (const f of [out, publicKeyFile]) if (existsSync(f)) throw new Error(`${f} already exists; choose another --out or move it away`);
  writeFileDurably(out, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600, exclusive: true });
  writeFileDurably(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644, exclusive: true });
  return { privateKeyFile: out, publicKeyFile, keyId: keyIdOf(publicKey) };
}
