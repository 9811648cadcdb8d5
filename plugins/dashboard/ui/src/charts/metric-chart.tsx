import { useEffect, useRef, useState } from 'preact/hooks';
import { isNotFound } from '../api/api-error.js';
import { ErrorNotice, NotInstalled } from '../components/status-views.js';
import { useLive } from '../components/use-live.js';
import { t } from '../i18n/t.js';
import { useServices } from '../shell/services.js';
import { appendSample } from './append-sample.js';
import type { ChartData } from './chart-data.js';
import { loadChart, type RangeSeries } from './query-metrics.js';
import { TimeChart } from './time-chart.js';
import type { TimeWindow } from './time-range.js';

/** One chart of a metrics selector. */
export interface MetricChartSpec {
  id: string;
  title: string;
  /** Series selector, e.g. `cpu.busy{cpu="total"}`. */
  series: string;
  /** Names one result series in the legend (default: its node). */
  label?: (s: RangeSeries) => string;
}

/** Pixels the y axis and padding take from a chart's width. */
const AXIS_PX = 80;

/**
 * A metrics chart over a window: asks the server for at most one point per pixel
 * (`agg=minmax&points=<plot width>`), draws avg with the buckets' min/max as a band, and — when the window is live — folds every
 * `metrics.sample` event into the last bucket (no polling).
 */
export function MetricChart(p: {
  spec: MetricChartSpec;
  window: TimeWindow;
  width: number;
  node?: string;
  syncKey: string;
  onZoom: (from: number, to: number) => void;
  table?: boolean;
  onTableChange?: (table: boolean) => void;
}) {
  const { api } = useServices();
  const [data, setData] = useState<ChartData | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const meta = useRef<{ step: number; ids: string[]; n: number }>({ step: 1000, ids: [], n: 0 });
  const selector = p.node ? addNode(p.spec.series, p.node) : p.spec.series;
  const plotWidth = Math.max(100, p.width - AXIS_PX);

  useEffect(() => {
    const ctl = new AbortController();
    const ids: string[] = [];
    loadChart(
      api,
      selector,
      p.window,
      plotWidth,
      (s) => {
        ids.push(s.id);
        return p.spec.label ? p.spec.label(s) : s.node;
      },
      ctl.signal,
    ).then(
      (d) => {
        meta.current = { step: d.step, ids, n: 0 };
        setData({ times: d.times, unit: d.unit, series: d.series });
        setError(undefined);
      },
      (err: unknown) => !ctl.signal.aborted && setError(err),
    );
    return () => ctl.abort();
  }, [api, selector, p.window.from, p.window.to, plotWidth]);

  useLive(['metrics.sample'], (e) => {
    if (!p.window.live || !data) return;
    const d = e.data as { at?: number; values?: Record<string, number> };
    if (typeof d?.at !== 'number' || !d.values) return;
    const vals = meta.current.ids.map((id) => d.values?.[id] ?? null);
    if (vals.every((v) => v === null)) return;
    const next = appendSample(
      data,
      d.at,
      vals,
      meta.current.step,
      p.window.to - p.window.from,
      meta.current.n,
    );
    meta.current.n = next.n;
    setData(next.data);
  });

  if (error !== undefined)
    return isNotFound(error) ? <NotInstalled plugin="metrics" /> : <ErrorNotice error={error} />;
  if (!data)
    return (
      <p class="muted chart-loading" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  return (
    <TimeChart
      id={p.spec.id}
      title={p.spec.title}
      data={data}
      syncKey={p.syncKey}
      onZoom={p.onZoom}
      table={p.table}
      onTableChange={p.onTableChange}
    />
  );
}

/** Adds `node="…"` to a selector. */
export function addNode(selector: string, node: string): string {
  const esc = node.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const brace = selector.indexOf('{');
  if (brace < 0) return `${selector}{node="${esc}"}`;
  const inner = selector.slice(brace + 1, -1);
  return `${selector.slice(0, brace)}{${inner ? `${inner},` : ''}node="${esc}"}`;
}
