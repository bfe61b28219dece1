import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Reads the certificate chain and key, and checks they make a usable pair (createSecureContext
 * throws on a key that does not match the certificate), so a bad file is refused before it is used.
 */
export function readTlsFiles(files: TlsFiles): { cert: Buffer; key: Buffer } {
  const cert = readFileSync(files.certFile);
  const key = readFileSync(files.keyFile);
  createSecureContext({ cert, key });
  return { cert, key };
}
