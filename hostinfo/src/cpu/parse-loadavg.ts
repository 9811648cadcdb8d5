import { hostinfoError } from '../errors/index.js';
import type { LoadAverage } from '../types.js';

/** Parses /proc/loadavg (`0.10 0.24 0.16 1/101 6544`). */
export function parseLoadavg(text: string): LoadAverage {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (![load1, load5, load15].every((n) => Number.isFinite(n))) {
    throw hostinfoError('HOSTINFO_ERR_PARSE', `Unexpected /proc/loadavg: "${text.trim()}".`, '/proc/loadavg');
  }
  return { load1: load1!, load5: load5!, load15: load15! };
}
