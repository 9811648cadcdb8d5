import { render } from 'preact';
import '../src/styles/app.css';
import type { ChartData } from '../src/charts/chart-data.js';
import { UPlotChart } from '../src/charts/uplot-chart.js';
import { NodeList } from '../src/tabs/nodes/node-list.js';
import { readNode } from '../src/tabs/nodes/node-model.js';

/**
 * The dashboard's own components under load, for `npm run bench -- dashboard` (never shipped:
 * the production build's only input is index.html). The scenario comes from the query string;
 * results go to `window.benchResult` and performance marks.
 */
const params = new URLSearchParams(location.search);
const scenario = params.get('scenario') ?? 'empty';
const root = document.getElementById('app') as HTMLElement;
const out = window as unknown as { benchResult?: unknown; benchTick?: () => Promise<number> };

/** Resolves after the next frame has been produced (rAF, then a task after it). */
const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

/** `n` nodes of the shape the nodes plugin is expected to answer (docs/dashboard.md). */
function fleet(n: number) {
  const states = ['ready', 'ready', 'ready', 'ready', 'cordoned', 'draining', 'down', 'unreachable'];
  return Array.from({ length: n }, (_, i) => ({
    id: `node-${String(i).padStart(5, '0')}`,
    version: 1,
    spec: {
      name: `rack${Math.floor(i / 40)}-node${i % 40}`,
      labels: { zone: `z${i % 4}`, gpu: i % 5 === 0 ? 'true' : 'false' },
    },
    status: {
      state: states[i % states.length],
      reason: i % 8 >= 6 ? (i % 8 === 6 ? 'agent stopped' : 'no heartbeat for 30 s') : '',
      since: new Date(Date.UTC(2026, 11, 5, 3, i % 60)).toISOString(),
      capacity: { cpuMillis: 64_000, memoryBytes: 256 * 2 ** 30, gpus: i % 5 === 0 ? 8 : 0 },
      allocated: { cpuMillis: (i * 1000) % 64_000, memoryBytes: (i % 200) * 2 ** 30, gpus: 0 },
    },
  }));
}

async function nodes(n: number): Promise<void> {
  const raw = fleet(n);
  const rows = raw.map(readNode);
  render(<NodeList nodes={rows} onSelect={() => undefined} height={700} />, root);
  await nextFrame();
  performance.mark('nodes-usable');
  out.benchResult = { usableMs: performance.now(), rows: root.querySelectorAll('tbody tr').length };
}

function series(count: number, points: number, t0: number): ChartData {
  const times = Array.from({ length: points }, (_, i) => t0 + i * 1000);
  return {
    times,
    unit: 'ratio',
    series: Array.from({ length: count }, (_, s) => ({
      label: `node${s}`,
      values: times.map((_, i) => 0.5 + 0.4 * Math.sin((i + s * 7) / 9)),
    })),
  };
}

async function charts(count: number, perChart: number, points: number): Promise<void> {
  root.classList.add('chart-grid');
  const t0 = Date.UTC(2026, 11, 5);
  const made: Array<{ chart: UPlotChart; data: ChartData }> = [];
  for (let c = 0; c < count; c++) {
    const host = document.createElement('div');
    host.className = 'chart-canvas';
    root.append(host);
    const chart = new UPlotChart(
      host,
      { ...(params.get('sync') === '0' ? {} : { syncKey: 'bench' }), height: 150 },
      600,
    );
    const data = series(perChart, points, t0);
    chart.setData(data);
    made.push({ chart, data });
  }
  await nextFrame();
  let tick = 0;
  // One 1 Hz tick: every chart gets a new point and drops its oldest, as live samples do.
  out.benchTick = async () => {
    tick++;
    const start = performance.now();
    performance.mark(`tick-${tick}-start`);
    for (const m of made) {
      const last = m.data.times.at(-1) ?? t0;
      m.data = {
        times: [...m.data.times.slice(1), last + 1000],
        unit: m.data.unit,
        series: m.data.series.map((s, i) => ({
          label: s.label,
          values: [...s.values.slice(1), 0.5 + 0.4 * Math.sin((points + tick + i * 7) / 9)],
        })),
      };
      m.chart.setData(m.data);
    }
    // uPlot draws in a microtask after setData: let those run, still inside this task.
    await Promise.resolve();
    await Promise.resolve();
    performance.mark(`tick-${tick}-end`);
    return performance.now() - start;
  };
  out.benchResult = { charts: count, canvases: root.querySelectorAll('canvas').length };
}

async function empty(): Promise<void> {
  out.benchTick = async () => {
    const start = performance.now();
    await Promise.resolve();
    await Promise.resolve();
    return performance.now() - start;
  };
  await nextFrame();
  performance.mark('empty-usable');
  out.benchResult = { usableMs: performance.now() };
}

if (scenario === 'nodes') void nodes(Number(params.get('n') ?? '1000'));
else if (scenario === 'charts')
  void charts(
    Number(params.get('charts') ?? '24'),
    Number(params.get('series') ?? '4'),
    Number(params.get('points') ?? '300'),
  );
else void empty();
