import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock, formatUnit } from '../i18n/format.js';
import type { ChartData } from './chart-data.js';
import { linePath } from './line-path.js';
import { bandColor, seriesColor } from './series-colors.js';
import { yRange } from './y-range.js';

/** Options of {@link UPlotChart}. */
export interface UPlotChartOptions {
  /** Charts with the same key share a cursor (hover one, see the time on all). */
  syncKey?: string;
  /** Called with the selected window (epoch ms) after a drag across the plot. */
  onZoom?: (from: number, to: number) => void;
  height?: number;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** uPlot's data layout for our model: x in seconds, then each series (value, then min/max when banded). */
function toAligned(d: ChartData): uPlot.AlignedData {
  const out: Array<Array<number | null>> = [d.times.map((t) => t / 1000)];
  for (const s of d.series) {
    out.push(s.values);
    if (s.min && s.max) out.push(s.min, s.max);
  }
  return out as uPlot.AlignedData;
}

/** The data's shape: series count and which have bands (a change needs a new uPlot). */
function shapeOf(d: ChartData): string {
  return d.series.map((s) => (s.min && s.max ? 'b' : 'l')).join('') + d.unit;
}

/**
 * A time-series chart on one canvas (uPlot): synced cursor, drag-to-zoom reported to the
 * owner (who fetches the finer data), min/max bands. `setData` reuses the chart when the
 * shape is unchanged — the cheap path for live updates — and a chart scrolled out of view
 * only keeps the newest data, drawing it when it comes back (an IntersectionObserver).
 */
export class UPlotChart {
  private plot: uPlot | null = null;
  private shape = '';
  private width: number;
  private visible = true;
  private pending: ChartData | null = null;
  private readonly observer: IntersectionObserver | null;

  constructor(
    private readonly host: HTMLElement,
    private readonly opts: UPlotChartOptions,
    width: number,
  ) {
    this.width = Math.max(120, Math.floor(width));
    this.observer =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver((entries) => {
            const e = entries.at(-1);
            if (!e) return;
            this.visible = e.isIntersecting;
            if (this.visible && this.pending) {
              const d = this.pending;
              this.pending = null;
              this.draw(d);
            }
          })
        : null;
    this.observer?.observe(host);
  }

  /** Shows `d`: drawn now when the chart is in view, else when it scrolls into view. */
  setData(d: ChartData): void {
    if (!this.visible) {
      this.pending = d;
      return;
    }
    this.draw(d);
  }

  private draw(d: ChartData): void {
    const shape = shapeOf(d);
    if (this.plot && shape === this.shape) {
      this.plot.setData(toAligned(d));
      return;
    }
    this.plot?.destroy();
    this.shape = shape;
    this.plot = new uPlot(this.options(d), toAligned(d), this.host);
  }

  /** Follows the container's width. */
  setWidth(width: number): void {
    this.width = Math.max(120, Math.floor(width));
    this.plot?.setSize({ width: this.width, height: this.opts.height ?? 180 });
  }

  destroy(): void {
    this.observer?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private options(d: ChartData): uPlot.Options {
    const text = cssVar('--fg-muted', '#555');
    const grid = cssVar('--grid', '#ddd');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const series: uPlot.Series[] = [{ value: (_u, v) => (v == null ? '–' : formatClock(v * 1000)) }];
    const bands: uPlot.Band[] = [];
    d.series.forEach((s, i) => {
      const value = (_u: uPlot, v: number | null) => formatUnit(v, d.unit);
      series.push({
        label: s.label,
        stroke: seriesColor(i),
        width: 1,
        value,
        spanGaps: false,
        points: { show: false },
        // A plain line takes the lean builder; a banded one keeps uPlot's (band clipping).
        ...(s.min && s.max ? {} : { paths: linePath }),
      });
      if (s.min && s.max) {
        const at = series.length;
        series.push({ label: `${s.label} min`, stroke: 'transparent', value, show: true });
        series.push({ label: `${s.label} max`, stroke: 'transparent', value, show: true });
        bands.push({ series: [at + 1, at], fill: bandColor(i) });
      }
    });
    return {
      width: this.width,
      height: this.opts.height ?? 180,
      series,
      bands,
      legend: { show: false },
      axes: [axis, { ...axis, size: 64, values: (_u, vals) => vals.map((v) => formatUnit(v, d.unit)) }],
      scales: { x: { time: true }, y: { range: yRange } },
      cursor: {
        ...(this.opts.syncKey
          ? {
              // Share the cursor, not the drag: a zoom starts on one chart only (else every
              // synced chart would report the same selection).
              sync: {
                key: this.opts.syncKey,
                filters: { pub: (type: string) => type === 'mousemove' || type === 'mouseleave' },
              },
            }
          : {}),
        drag: { x: true, y: false, setScale: false },
      },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.opts.onZoom?.(Math.round(from), Math.round(to));
          },
        ],
      },
    };
  }
}
