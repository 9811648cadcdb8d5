import type { Zpool, ZpoolVdev } from './raid-types.js';

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '-' || s === '') return undefined;
  const n = Number(s.replace(/%$/, ''));
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Parses `zpool list -H -p -o name,size,allocated,free,fragmentation,health` (tab-separated,
 * exact numbers) into pools without vdevs.
 */
export function parseZpoolList(text: string): Zpool[] {
  const pools: Zpool[] = [];
  for (const line of text.split('\n')) {
    const [name, size, alloc, free, frag, health] = line.split('\t');
    if (!name || health === undefined) continue;
    const pool: Zpool = { name, health: health.trim(), vdevs: [] };
    const s = num(size);
    const a = num(alloc);
    const f = num(free);
    const fr = num(frag);
    if (s !== undefined) pool.sizeBytes = s;
    if (a !== undefined) pool.allocatedBytes = a;
    if (f !== undefined) pool.freeBytes = f;
    if (fr !== undefined) pool.fragmentation = fr / 100;
    pools.push(pool);
  }
  return pools;
}

/**
 * Parses `zpool status -p` (OpenZFS): per pool its state, the `scan:` line (scrub or resilver
 * progress), the config table (every vdev with its state and read/write/checksum error counts,
 * depth from indentation) and the `errors:` line.
 */
export function parseZpoolStatus(text: string): Zpool[] {
  const pools: Zpool[] = [];
  let pool: Zpool | undefined;
  let inConfig = false;
  let baseIndent = -1;
  let lastKey = '';
  for (const raw of text.split('\n')) {
    const key = /^\s*(pool|state|scan|errors|config|status|action|see):\s?(.*)$/.exec(raw);
    if (key) {
      lastKey = key[1]!;
      const value = key[2]!.trim();
      if (lastKey === 'pool') {
        pool = { name: value, health: 'UNKNOWN', vdevs: [] };
        pools.push(pool);
        inConfig = false;
      } else if (pool && lastKey === 'state') pool.health = value;
      else if (pool && lastKey === 'scan') pool.scan = value;
      else if (pool && lastKey === 'errors') pool.errors = value;
      else if (lastKey === 'config') {
        inConfig = true;
        baseIndent = -1;
      }
      continue;
    }
    if (!pool) continue;
    if (!inConfig) {
      // Continuation lines of `scan:` (progress figures) belong to it.
      if (lastKey === 'scan' && raw.trim() !== '') pool.scan = `${pool.scan ?? ''} ${raw.trim()}`.trim();
      continue;
    }
    const line = raw.replace(/\t/g, '        ');
    if (line.trim() === '' || /^\s*NAME\s+STATE/.test(line)) continue;
    const indent = line.length - line.trimStart().length;
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || !/^[A-Z]+$/.test(f[1]!)) continue; // "logs", "spares" headings
    if (baseIndent < 0) baseIndent = indent;
    const vdev: ZpoolVdev = {
      name: f[0]!,
      depth: Math.max(0, Math.round((indent - baseIndent) / 2)),
      state: f[1]!,
      readErrors: num(f[2]) ?? 0,
      writeErrors: num(f[3]) ?? 0,
      checksumErrors: num(f[4]) ?? 0,
    };
    pool.vdevs.push(vdev);
  }
  return pools;
}
