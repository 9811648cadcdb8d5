import type { ApiClient } from '../../api/api-client.js';

/**
 * The sequence number of the newest audit entry. `GET /audit` pages oldest first and has no
 * "newest first" order, but its cursor means "after seq N", so the head is found by probing
 * (exponential, then binary search: ~2·log2(n) one-entry reads). Remove once the API can sort.
 */
export async function findAuditHead(api: ApiClient): Promise<number> {
  const after = async (n: number) => {
    const r = await api.get<{ items: Array<{ seq: number }> }>(`/security/audit?limit=1&cursor=${n}`);
    return r.items[0]?.seq;
  };
  if ((await after(0)) === undefined) return 0;
  let lo = 0;
  let hi = 1;
  while ((await after(hi)) !== undefined) {
    lo = hi;
    hi *= 2;
  }
  // An entry exists after lo, none after hi: the head is in (lo, hi].
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await after(mid)) !== undefined) lo = mid;
    else hi = mid;
  }
  return hi;
}
