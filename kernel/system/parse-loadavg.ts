import { omegaError } from '../errors/index.js';
import type { LoadAverage } from './types.js';

/** Parses /proc/loadavg (`0.10 0.24 0.16 1/101 6544`). */
export function parseLoadavg(text: string): LoadAverage {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (![load1, load5, load15].every((n) => Number.isFinite(n))) {
    throw omegaError('OMEGA_ERR_SYSTEM_READ', `Unexpected /proc/loadavg: "${text.trim()}".`, {
      source: '/proc/loadavg',
    });
  }
  return { load1: load1!, load5: load5!, load15: load15! };
}
