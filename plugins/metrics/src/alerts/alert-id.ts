/**
 * The stable id of an alert instance: a 16-hex-digit fingerprint of its rule and series (two
 * FNV-1a hashes with different offsets), the same after a restart, safe in a URL path.
 */
export function alertId(rule: string, series: string): string {
  const text = `${rule}\u0000${series}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

const ALERT_ID = /^[0-9a-f]{16}$/;

/** True when `id` has the shape of an {@link alertId}. */
export function isAlertId(id: string): boolean {
  return ALERT_ID.test(id);
}
