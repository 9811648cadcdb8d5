import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';
import { decodeBase64url, toBytes } from './to-bytes.js';

const MAC_BYTES = 32;
const LABEL = 'omega-domain-mac-v1\0';

/**
 * MACs under a key derived from the kernel's HMAC key for one domain (e.g. one plugin):
 * `HMAC(HMAC(kernelKey, label ‖ domain), data)`. A holder of one domain's MACs learns nothing
 * about another domain's, and the kernel key itself never leaves the keyring. Derived keys are
 * cached per key id and domain (a handful: one per plugin that MACs).
 */
export interface DomainMacs {
  /** `<kid>.<base64url mac>` under the active HMAC key, for `domain`. */
  sign(domain: string, data: Uint8Array | string): string;
  /** Constant-time check with any usable HMAC key; malformed, unknown or retired kid → false. */
  verify(domain: string, data: Uint8Array | string, mac: string): boolean;
}

/** Creates the {@link DomainMacs} of a keyring. */
export function domainMacs(keyring: Keyring): DomainMacs {
  const derived = new Map<string, Buffer>();
  const keyFor = (kid: string, secret: Parameters<typeof createHmac>[1], domain: string): Buffer => {
    const id = `${kid}\0${domain}`;
    let k = derived.get(id);
    if (k === undefined) {
      k = createHmac('sha256', secret).update(LABEL).update(domain, 'utf8').digest();
      if (derived.size >= 1024) derived.clear();
      derived.set(id, k);
    }
    return k;
  };
  return {
    sign(domain, data) {
      const key = keyring.active('hmac');
      const mac = createHmac('sha256', keyFor(key.kid, key.secret, domain))
        .update(toBytes(data))
        .digest();
      return `${key.kid}.${mac.toString('base64url')}`;
    },
    verify(domain, data, mac) {
      if (typeof mac !== 'string' || (typeof data !== 'string' && !(data instanceof Uint8Array)))
        return false;
      const dot = mac.indexOf('.');
      if (dot <= 0) return false;
      const key = keyring.find('hmac', mac.slice(0, dot));
      const given = decodeBase64url(mac.slice(dot + 1));
      if (!key || given?.length !== MAC_BYTES) return false;
      const expected = createHmac('sha256', keyFor(key.kid, key.secret, domain))
        .update(toBytes(data))
        .digest();
      return timingSafeEqual(given, expected);
    },
  };
}
