export { JWS_TYP } from './jws.js';
export { CLOCK_TOLERANCE_SEC, MAX_TOKEN_CHARS } from './jwt.js';
export { KEYRING_FILE } from './keyring.js';
export { openCrypto } from './open-crypto.js';
export { exceedsDefaultCost, PASSWORD_SLOTS, SCRYPT_DEFAULTS } from './password.js';
export { SEAL_VERSION } from './seal.js';
export type { DetachedSignature } from './sign-each.js';
export { createSlots, type Slots } from './slots.js';
export type {
  JwtClaims,
  KernelCrypto,
  KeyInfo,
  KeyKind,
  KeyStatus,
  OpenCryptoOptions,
  SignJwtOptions,
} from './types.js';
