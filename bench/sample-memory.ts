import { setTimeout as sleep } from 'node:timers/promises';
import { privateMb, rssMb } from './http-proc.js';
import { upperMedian } from './open-loop-rounds.js';

/**
 * An idle process's memory as a series of readings, not one. An idle plugin host's RSS swings
 * by about ±0.9 MB between V8's own GCs, so a single reading near a goal (the metrics host at
 * 49.4–49.8 MB against ≤ 50 MB) meets it or not by chance: a verdict is taken on the median of
 * the series, printed with its lowest and highest reading.
 */
export interface SeriesSummary {
  /** The middle reading (the upper middle one for an even count, as the p99 rounds take it): always a reading taken. */
  median: number;
  min: number;
  max: number;
  /** How many readings the summary rests on (0: the process was gone for all of them). */
  readings: number;
}

/** Median, lowest and highest of `values` (NaN for all three when there are none). */
export function summariseSeries(values: readonly number[]): SeriesSummary {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, readings: 0 };
  return {
    median: upperMedian(sorted),
    min: sorted[0]!,
    max: sorted.at(-1)!,
    readings: sorted.length,
  };
}

/** `MB [49.1 – 50.0] over 13 readings`: a unit followed by the series' range, for report()'s unit column. */
export function unitWithRange(unit: string, s: SeriesSummary): string {
  return `${unit} [${s.min.toFixed(1)} – ${s.max.toFixed(1)}] over ${s.readings} readings`;
}

/** One process's memory over the sampling: RSS and private memory (http-proc.ts), each summarised. */
export interface MemorySamples {
  rss: SeriesSummary;
  own: SeriesSummary;
}

/**
 * Reads every pid's RSS and private memory together, once each `everyMs` for `forMs` (both ends
 * included: 13 readings by default), so several processes cost the time of one. A process gone
 * part-way keeps the readings taken while it lived.
 */
export async function sampleMemory(
  pids: readonly number[],
  { everyMs = 250, forMs = 3000 }: { everyMs?: number; forMs?: number } = {},
): Promise<Map<number, MemorySamples>> {
  const series = new Map(pids.map((pid) => [pid, { rss: [] as number[], own: [] as number[] }]));
  const start = performance.now();
  for (let i = 0; i * everyMs <= forMs; i++) {
    await sleep(Math.max(0, start + i * everyMs - performance.now()));
    for (const [pid, s] of series) {
      try {
        s.rss.push(rssMb(pid));
        s.own.push(privateMb(pid));
      } catch {} // gone: its earlier readings still count
    }
  }
  return new Map(
    [...series].map(([pid, s]) => [pid, { rss: summariseSeries(s.rss), own: summariseSeries(s.own) }]),
  );
}
