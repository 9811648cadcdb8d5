import { hostinfoError } from '../errors/index.js';
import type { MemoryStats } from '../types.js';

/** Whether char code `c` is ASCII whitespace (space, \t … \r), all the kernel writes; not Unicode's. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Parses /proc/meminfo into a map of field → value (bytes where the line says `kB`, else the
 * count). A line counts when it is `Name: <spaces><digits>[<spaces>kB]<spaces>` (ASCII
 * spaces); any other is skipped. Scanned by character code, one pass, no line strings or regular expression: the
 * kernel parses this file every second for the metrics collector.
 */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  const end = text.length;
  let start = 0;
  let colon = -1;
  while (start < end) {
    let eol = text.indexOf('\n', start);
    if (eol < 0) eol = end;
    // The next colon is looked for again only once passed: lines without one cost no rescan.
    if (colon < start) {
      colon = text.indexOf(':', start);
      if (colon < 0) colon = end;
    }
    if (colon > start && colon < eol) {
      let i = colon + 1;
      while (i < eol && isSpace(text.charCodeAt(i))) i++;
      const digits = i;
      while (i < eol && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      const afterDigits = i;
      while (i < eol && isSpace(text.charCodeAt(i))) i++;
      let kB = false;
      if (i > afterDigits && i + 1 < eol && text.charCodeAt(i) === 107 && text.charCodeAt(i + 1) === 66) {
        kB = true;
        i += 2;
        while (i < eol && isSpace(text.charCodeAt(i))) i++;
      }
      if (digits > colon + 1 && afterDigits > digits && i === eol) {
        const n = Number(text.slice(digits, afterDigits));
        fields.set(text.slice(start, colon), kB ? n * 1024 : n);
      }
    }
    start = eol + 1;
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
