import { useEffect, useRef, useState } from 'preact/hooks';
import { downloadText } from '../components/download.js';
import { ScrollRegion } from '../components/scroll-region.js';
import { toCsv } from '../components/to-csv.js';
import { formatTime, formatUnit } from '../i18n/format.js';
import { t } from '../i18n/t.js';
import { theme } from '../theme/theme.js';
import { type ChartData, chartRows } from './chart-data.js';
import { seriesColor } from './series-colors.js';
import { UPlotChart } from './uplot-chart.js';

/** Props of {@link TimeChart}. */
export interface TimeChartProps {
  id: string;
  title: string;
  data: ChartData;
  syncKey?: string;
  onZoom?: (from: number, to: number) => void;
  /** Start in table view (the URL may say so). */
  table?: boolean;
  onTableChange?: (table: boolean) => void;
  height?: number;
}

/**
 * A chart with its table view and CSV export: the canvas for the eye, the table for screen
 * readers, copying and checking, the CSV for everything else.
 */
export function TimeChart(p: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<UPlotChart | null>(null);
  const [asTable, setAsTable] = useState(Boolean(p.table));
  const [scheme, setScheme] = useState(theme.get());
  const zoom = useRef(p.onZoom);
  zoom.current = p.onZoom;

  useEffect(() => theme.subscribe(setScheme), []);

  useEffect(() => {
    const el = host.current;
    if (!el || asTable) return;
    const c = new UPlotChart(
      el,
      { syncKey: p.syncKey, height: p.height, onZoom: (a, b) => zoom.current?.(a, b) },
      el.clientWidth,
    );
    chart.current = c;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) c.setWidth(w);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.destroy();
      chart.current = null;
    };
  }, [asTable, scheme, p.syncKey, p.height]);

  useEffect(() => {
    chart.current?.setData(p.data);
  }, [p.data, asTable, scheme]);

  const toggle = () => {
    setAsTable(!asTable);
    p.onTableChange?.(!asTable);
  };
  const exportCsv = () => {
    const { header, rows } = chartRows(p.data);
    downloadText(`${p.id}.csv`, toCsv(header, rows), 'text/csv');
  };
  const titleId = `chart-${p.id}-title`;
  return (
    <figure class="chart" aria-labelledby={titleId} data-chart={p.id}>
      <figcaption class="chart-head">
        <span id={titleId} class="chart-title">
          {p.title}
        </span>
        <span class="chart-tools">
          <button type="button" class="btn btn-small" aria-pressed={asTable} onClick={toggle}>
            {asTable ? t('chart.showChart') : t('chart.showTable')}
          </button>
          <button type="button" class="btn btn-small" onClick={exportCsv}>
            {t('chart.csv')}
          </button>
        </span>
      </figcaption>
      <ul class="legend" aria-label={t('chart.legend')}>
        {p.data.series.map((s, i) => (
          <li key={s.label}>
            <span class="swatch" style={{ backgroundColor: seriesColor(i) }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      {asTable ? (
        <ChartTable data={p.data} label={t('chart.tableOf', { title: p.title })} />
      ) : (
        <div
          ref={host}
          class="chart-canvas"
          role="img"
          aria-label={t('chart.canvasLabel', { title: p.title, points: p.data.times.length })}
        />
      )}
    </figure>
  );
}

function ChartTable({ data, label }: { data: ChartData; label: string }) {
  const { header, rows } = chartRows(data);
  return (
    <ScrollRegion label={label}>
      <table class="table table-compact">
        <thead>
          <tr>
            {header.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={data.times[i]}>
              {r.map((c, j) => (
                <td key={header[j]}>
                  {j === 0 ? formatTime(String(c)) : formatUnit(c as number | null, data.unit)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
