import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/t.js';
import { getParam, setParams, useParam } from '../state/url-state.js';
import { MetricChart, type MetricChartSpec } from './metric-chart.js';
import { RANGES, resolveWindow } from './time-range.js';

/**
 * Charts that share one time window (in the URL: `range`, or `from`/`to` after a zoom), one
 * synced cursor, and an undo stack for zooms. `table` in the URL lists the charts shown as tables.
 */
export function ChartGrid({
  charts,
  node,
  syncKey,
}: {
  charts: readonly MetricChartSpec[];
  node?: string;
  syncKey: string;
}) {
  const [range, setRange] = useParam('range', '1h');
  const [from] = useParam('from');
  const [to] = useParam('to');
  const [tables] = useParam('table');
  const [undo, setUndo] = useState<Array<{ from: string | null; to: string | null; range: string }>>([]);
  const [now, setNow] = useState(Date.now());
  const grid = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = grid.current;
    if (!el) return;
    const ro = new ResizeObserver((e) => {
      const w = e[0]?.contentRect.width ?? 0;
      const cols = w >= 1100 ? 2 : 1;
      setWidth(Math.floor((w - (cols - 1) * 16) / cols));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => setNow(Date.now()), [range, from, to]);
  const window = resolveWindow(range, from || null, to || null, now);

  const onZoom = useCallback((f: number, tt: number) => {
    setUndo((u) => [...u, { from: getParam('from'), to: getParam('to'), range: getParam('range') ?? '1h' }]);
    setParams({ from: String(f), to: String(tt) }, 'push');
  }, []);
  const back = () => {
    const last = undo.at(-1);
    if (!last) return;
    setUndo(undo.slice(0, -1));
    setParams({ from: last.from, to: last.to, range: last.range });
  };
  const tableSet = new Set(tables ? tables.split(',') : []);
  const setTable = (id: string, on: boolean) => {
    if (on) tableSet.add(id);
    else tableSet.delete(id);
    setParams({ table: [...tableSet].join(',') || null });
  };
  return (
    <div class="stack">
      <fieldset class="filters">
        <legend class="visually-hidden">{t('perf.range')}</legend>
        <span class="segmented">
          {RANGES.map((r) => (
            <button
              type="button"
              key={r.id}
              class="btn btn-small"
              aria-pressed={window.live && range === r.id}
              onClick={() => {
                setUndo([]);
                setParams({ range: r.id, from: null, to: null }, 'push');
                setRange(r.id);
              }}
            >
              {r.id}
            </button>
          ))}
        </span>
        <button
          type="button"
          class="btn btn-small"
          disabled={undo.length === 0}
          onClick={back}
          data-action="zoom-undo"
        >
          {t('perf.undoZoom')}
        </button>
        <span class="muted" role="status" data-window={window.live ? 'live' : 'fixed'}>
          {window.live ? t('perf.live') : t('perf.zoomed')}
        </span>
      </fieldset>
      <div class="chart-grid" ref={grid}>
        {width > 0
          ? charts.map((c) => (
              <MetricChart
                key={c.id}
                spec={c}
                window={window}
                width={width}
                node={node}
                syncKey={syncKey}
                onZoom={onZoom}
                table={tableSet.has(c.id)}
                onTableChange={(on) => setTable(c.id, on)}
              />
            ))
          : null}
      </div>
    </div>
  );
}
