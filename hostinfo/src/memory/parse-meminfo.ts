import { hostinfoError } from '../errors/index.js';
import type { MemoryStats } from '../types.js';

/** Parses /proc/meminfo into a map of field → value (bytes where the line says `kB`, else the count). */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m) continue;
    const n = Number(m[2]);
    fields.set(m[1]!, line.trimEnd().endsWith('kB') ? n * 1024 : n);
  }
  return fields;
}

/** Builds the `memory` area from parsed /proc/meminfo fields. */
export function memoryFromMeminfo(fields: Map<string, number>, at: number): MemoryStats {
  const total = fields.get('MemTotal');
  const free = fields.get('MemFree');
  if (total === undefined || free === undefined) {
    throw hostinfoError('HOSTINFO_ERR_PARSE', 'No MemTotal/MemFree in /proc/meminfo.', '/proc/meminfo');
  }
  const available = fields.get('MemAvailable');
  const buffers = fields.get('Buffers');
  const cached = fields.get('Cached');
  const swapTotal = fields.get('SwapTotal') ?? 0;
  const swapFree = fields.get('SwapFree') ?? 0;
  const stats: MemoryStats = {
    at,
    totalBytes: total,
    freeBytes: free,
    usedBytes: total - (available ?? free + (buffers ?? 0) + (cached ?? 0)),
    swap: { totalBytes: swapTotal, freeBytes: swapFree, usedBytes: swapTotal - swapFree },
  };
  if (available !== undefined) stats.availableBytes = available;
  if (buffers !== undefined) stats.buffersBytes = buffers;
  if (cached !== undefined) stats.cachedBytes = cached;
  return stats;
}
