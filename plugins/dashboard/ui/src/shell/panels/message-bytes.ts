/**
 * The size of a posted message as its JSON would weigh (strings by their length, numbers and
 * literals by a fixed 8), walking at most `limit` bytes: it returns as soon as the count passes
 * `limit`, so a 10 MB message costs no more to judge than one of `limit`. Binary data (an
 * ArrayBuffer, a typed array, a Blob) counts its byte length; a cycle or more than 10 000 nodes counts as
 * over the limit (the panel protocol only carries small JSON).
 */
export function messageBytes(data: unknown, limit: number): number {
  let total = 0;
  let nodes = 0;
  const seen = new Set<object>();
  const over = limit + 1;
  const walk = (v: unknown): boolean => {
    if (++nodes > 10_000) return false;
    if (typeof v === 'string') total += v.length + 2;
    else if (v === null || typeof v !== 'object') total += 8;
    else if (v instanceof ArrayBuffer) total += v.byteLength;
    else if (ArrayBuffer.isView(v)) total += v.byteLength;
    else if (typeof Blob !== 'undefined' && v instanceof Blob) total += v.size;
    else {
      if (seen.has(v)) return false;
      seen.add(v);
      const entries = Array.isArray(v) ? v.map((x) => ['', x] as const) : Object.entries(v);
      for (const [k, x] of entries) {
        total += k.length + 4;
        if (total > limit || !walk(x)) return false;
      }
    }
    return total <= limit;
  };
  return walk(data) ? total : Math.max(total, over);
}
