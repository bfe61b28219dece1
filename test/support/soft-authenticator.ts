import { type KeyObject, createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/**
 * A software WebAuthn authenticator with real cryptography: an ES256 (P-256) key pair per
 * credential, 'none' attestation, and assertions signed as the spec says (WebAuthn Level 2,
 * §6.1 authenticator data, §6.5.4 attestation object, §6.3.3 getAssertion). The server verifies
 * them with @simplewebauthn/server exactly as it would a browser's.
 */

/** The smallest CBOR encoder the attestation object needs: unsigned/negative ints, bytes, text, arrays, maps. */
export function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (typeof value === 'string') {
    const b = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, b.length), b]);
  }
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: cannot encode ${typeof value}`);
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
const b64url = (b: Buffer) => b.toString('base64url');

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

interface Credential {
  readonly id: Buffer;
  readonly privateKey: KeyObject;
  readonly cose: Buffer;
  counter: number;
}

export interface CeremonyOverrides {
  /** The page origin the browser would report. */
  readonly origin?: string;
  readonly rpId?: string;
  readonly challenge?: string;
  /** The signature counter to report, as a cloned authenticator behind the original would. */
  readonly counter?: number;
}

export class SoftAuthenticator {
  readonly #credentials: Credential[] = [];

  constructor(
    readonly origin: string,
    readonly rpId = 'localhost',
  ) {}

  /** Answers registration options (PublicKeyCredentialCreationOptionsJSON) as navigator.credentials.create would. */
  register(options: { challenge: string; rp: { id?: string } }, o: CeremonyOverrides = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    // COSE_Key for EC2/ES256 (RFC 9053): kty 2, alg -7, crv 1 (P-256), x, y.
    const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const cred: Credential = { id: randomBytes(32), privateKey, cose, counter: 0 };
    this.#credentials.push(cred);
    const rpId = o.rpId ?? options.rp.id ?? this.rpId;
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(cred.id.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([FLAG_UP | FLAG_UV | FLAG_AT]), counter(cred.counter), Buffer.alloc(16), idLen, cred.id, cose]);
    const clientData = this.#clientData('webauthn.create', o.challenge ?? options.challenge, o);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers authentication options (PublicKeyCredentialRequestOptionsJSON) with the first allowed credential it holds. */
  assert(options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] }, o: CeremonyOverrides = {}) {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const cred = this.#credentials.find((c) => allowed.size === 0 || allowed.has(b64url(c.id)));
    if (!cred) throw new Error('soft authenticator: no allowed credential');
    cred.counter += 1;
    const authData = Buffer.concat([sha256(o.rpId ?? options.rpId ?? this.rpId), Buffer.from([FLAG_UP | FLAG_UV]), counter(o.counter ?? cred.counter)]);
    const clientData = this.#clientData('webauthn.get', o.challenge ?? options.challenge, o);
    // ES256 signs authenticatorData || SHA-256(clientDataJSON); node emits the DER form WebAuthn uses.
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), cred.privateKey);
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  #clientData(type: string, challenge: string, o: CeremonyOverrides): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: o.origin ?? this.origin, crossOrigin: false }), 'utf8');
  }
}

function counter(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
