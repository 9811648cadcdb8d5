import type { GpuLoad, LoadSummary } from '../contract.js';

const round = (v: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(v * f) / f;
};

/** Decimal places kept per field when published (ratios to 0.1 %, temperatures to 0.1 °C, bytes whole). */
const PLACES: Record<Exclude<keyof LoadSummary, 'gpus'>, number> = {
  cpu: 3,
  load1: 2,
  load5: 2,
  load15: 2,
  memUsed: 0,
  memTotal: 0,
  swapUsed: 0,
  diskReadBps: 0,
  diskWriteBps: 0,
  diskBusy: 3,
  netRxBps: 0,
  netTxBps: 0,
  tempMax: 1,
};
const GPU_PLACES: Record<Exclude<keyof GpuLoad, 'index'>, number> = {
  util: 3,
  memUsed: 0,
  memTotal: 0,
  temp: 1,
};

/**
 * A load summary as `nodes.load` publishes it: every figure rounded to what a chart shows
 * (an agent's `0.43718281828` CPU is `0.437`), which halves a batch entry's JSON at ten
 * thousand nodes. Absent fields stay absent.
 */
export function compactLoad(load: LoadSummary): LoadSummary {
  const out: LoadSummary = {};
  for (const k of Object.keys(PLACES) as Array<keyof typeof PLACES>) {
    const v = load[k];
    if (typeof v === 'number') out[k] = round(v, PLACES[k]);
  }
  if (load.gpus) {
    out.gpus = load.gpus.map((g) => {
      const c: GpuLoad = { index: g.index };
      for (const k of Object.keys(GPU_PLACES) as Array<keyof typeof GPU_PLACES>) {
        const v = g[k];
        if (typeof v === 'number') c[k] = round(v, GPU_PLACES[k]);
      }
      return c;
    });
  }
  return out;
}
