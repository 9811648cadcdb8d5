import type { JWK, JWTPayload } from 'jose';
import type { Logger } from '../log/index.js';
import type { DetachedSignature } from './sign-each.js';

/** What a key is for. */
export type KeyKind = 'signing' | 'seal' | 'hmac';

/** `active` signs/seals; `verify-only` still verifies/opens; `retired` keys are gone from the keyring. */
export type KeyStatus = 'active' | 'verify-only' | 'retired';

/** Metadata of one key; never carries key material. */
export interface KeyInfo {
  kid: string;
  kind: KeyKind;
  status: KeyStatus;
  createdAt: string;
}

/** Verified JWT claims (jose's `JWTPayload`: `sub`, `exp`, `iat`, `aud`, … plus custom claims). */
export type JwtClaims = JWTPayload;

/** Options of {@link KernelCrypto.signJwt}. Times are seconds relative to now. */
export interface SignJwtOptions {
  subject?: string;
  audience: string;
  expiresInSec: number;
  notBeforeSec?: number;
  jti?: string;
}

/** Options of {@link openCrypto}. */
export interface OpenCryptoOptions {
  /** Directory holding `keyring.json` (created with mode 0700 when missing). */
  dataDir: string;
  /** The `iss` claim of every token signed, and the only issuer accepted. Default `omega`. */
  issuer?: string;
  logger?: Logger;
}

/**
 * The kernel's crypto service. Private key material never leaves it: no method returns a
 * private key or secret, and its JSON/inspect forms show only key metadata.
 */
export interface KernelCrypto {
  /** Signs a JWT (EdDSA, active signing key, `kid` in the header). Reserved claims come from `opts`. */
  signJwt(claims: Record<string, unknown>, opts: SignJwtOptions): Promise<string>;
  /** Verifies a JWT signed by this keyring; throws `OMEGA_ERR_TOKEN_EXPIRED` or `OMEGA_ERR_TOKEN_INVALID`. */
  verifyJwt(token: string, opts: { audience: string }): Promise<JwtClaims>;
  /** Signs bytes or a string as a compact JWS (EdDSA, header `kid`). */
  signJws(payload: Uint8Array | string): Promise<string>;
  /** Verifies a compact JWS made by {@link KernelCrypto.signJws}; throws `OMEGA_ERR_SIGNATURE_INVALID`. */
  verifyJws(jws: string): Promise<{ payload: Uint8Array; kid: string }>;
  /** Public signing keys (active and verify-only) as a JWK Set. */
  publicJwks(): { keys: JWK[] };
  /** Detached Ed25519 signatures of `text` by every usable signing key, active first. */
  signEach(text: string): DetachedSignature[];
  /** Encrypts with AES-256-GCM under the active seal key; `aad` is authenticated, not stored. */
  seal(plaintext: Uint8Array | string, aad?: string): string;
  /** Decrypts what {@link KernelCrypto.seal} made; throws `OMEGA_ERR_SEAL_INVALID`. */
  open(sealed: string, aad?: string): Uint8Array;
  /** HMAC-SHA256 under the active HMAC key, as `<kid>.<mac>`. */
  hmacSign(data: Uint8Array | string): string;
  /** Constant-time check of a MAC from {@link KernelCrypto.hmacSign}; false when malformed. */
  hmacVerify(data: Uint8Array | string, mac: string): boolean;
  /** scrypt hash with a fresh salt; the parameters are encoded in the string. */
  hashPassword(password: string): Promise<string>;
  /** Constant-time check of a password against a {@link KernelCrypto.hashPassword} string. */
  verifyPassword(password: string, stored: string): Promise<boolean>;
  /** Hex digest. */
  hash(alg: 'sha256' | 'sha512', data: Uint8Array | string): string;
  /** base64url of `bytes` random bytes (default 16). */
  randomId(bytes?: number): string;
  /** Makes a new active key of each kind; the previous ones become verify-only. Returns the new kids. */
  rotate(): Promise<{ signing: string; seal: string; hmac: string }>;
  /** Removes a verify-only key; what it signed or sealed no longer verifies or opens. */
  retire(kid: string): Promise<void>;
  /** Metadata of every key in the keyring. */
  keys(): KeyInfo[];
}
