import type { NumaNodeMemory } from './numa-types.js';

/**
 * Parses a `/sys/devices/system/node/nodeN/meminfo` (`Node 0 MemTotal:  24684096 kB` lines)
 * into field → value, bytes where the line says kB.
 */
export function parseNodeMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^Node\s+\d+\s+([^:]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (m) fields.set(m[1]!, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return fields;
}

/** The node's memory figures; undefined when MemTotal or MemFree is missing. */
export function nodeMemory(fields: Map<string, number>): NumaNodeMemory | undefined {
  const total = fields.get('MemTotal');
  const free = fields.get('MemFree');
  if (total === undefined || free === undefined) return undefined;
  const mem: NumaNodeMemory = {
    totalBytes: total,
    freeBytes: free,
    usedBytes: fields.get('MemUsed') ?? total - free,
  };
  const file = fields.get('FilePages');
  if (file !== undefined) mem.filePagesBytes = file;
  const inactiveFile = fields.get('Inactive(file)');
  const reclaimable = fields.get('SReclaimable');
  if (inactiveFile !== undefined && reclaimable !== undefined) {
    mem.availableEstimateBytes = Math.min(total, free + inactiveFile + reclaimable);
  }
  const hpTotal = fields.get('HugePages_Total');
  const hpFree = fields.get('HugePages_Free');
  if (hpTotal !== undefined) mem.hugePagesTotal = hpTotal;
  if (hpFree !== undefined) mem.hugePagesFree = hpFree;
  return mem;
}
