import { describe, expect, it } from 'vitest';
import { cpuFractions, createCpuTracker } from '../src/cpu/cpu-tracker.js';
import type { CpuTimes } from '../src/types.js';

const STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** The loop over the state names cpuFractions was, kept as the reference for its results. */
function reference(prev: CpuTimes | undefined, next: CpuTimes): CpuTimes | undefined {
  const delta = {} as CpuTimes;
  let sum = 0;
  for (const s of STATES) {
    delta[s] = Math.max(0, next[s] - (prev?.[s] ?? 0));
    sum += delta[s];
  }
  if (sum <= 0) return undefined;
  for (const s of STATES) delta[s] /= sum;
  return delta;
}

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('cpuFractions', () => {
  it('answers what the loop over the state names answered, bit for bit and key for key', () => {
    const next = random(13);
    const times = (scale: number): CpuTimes =>
      Object.fromEntries(STATES.map((s) => [s, Math.floor(next() * scale) / 100])) as unknown as CpuTimes;
    for (let i = 0; i < 5000; i++) {
      const prev = i % 7 === 0 ? undefined : times(1e7);
      // counters that went backwards, stood still or moved: all three happen on real hosts
      const now = i % 11 === 0 && prev ? { ...prev } : times(1e7);
      const got = cpuFractions(prev, now);
      const want = reference(prev, now);
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      if (got && want) for (const s of STATES) expect(Object.is(got[s], want[s])).toBe(true);
    }
  });

  it('a tracker’s cores carry cpu first, then fractions, seconds and busy, as before', () => {
    const t = createCpuTracker();
    const total: CpuTimes = { user: 1, nice: 0, system: 1, idle: 8, iowait: 0, irq: 0, softirq: 0, steal: 0 };
    const stats = t.next({ total, cores: [{ cpu: 0, times: total }] }, undefined, 1000);
    expect(Object.keys(stats.cores[0] ?? {})).toEqual(['cpu', 'fractions', 'seconds', 'busy']);
    expect(Object.keys(stats.total)).toEqual(['fractions', 'seconds', 'busy']);
    expect(stats.cores[0]?.busy).toBeCloseTo(0.2, 12);
  });
});
