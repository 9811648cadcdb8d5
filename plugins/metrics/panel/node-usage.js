import { connectPanel } from '@omega/sdk/panel';
import { sampleIdsOf } from './sample-ids.js';

/*
 * The metrics plugin's node-page panel (issue #19): CPU busy and memory in use of the node the
 * page shows, as two sparklines of the last 10 minutes. Kept live from `metrics.sample` (the
 * kernel's own host, every second) and by reading the newest minute every 5 s (a joined node's
 * load reaches the metrics plugin on `nodes.load`, which is not published as a sample).
 *
 * It runs in an opaque-origin frame with `connect-src 'none'` and Trusted Types: it never
 * fetches, never parses HTML, and talks to the dashboard only through `connectPanel` (the one
 * MessagePort the shell hands it). It asks only for what plugin.json declares: the read
 * `/api/v1/metrics/query` and the topic `metrics.sample`. `npm run build:panel` bundles this file
 * into panels/node/panel.js (and node-usage.css, with the sdk's panel.css, into panels/node/panel.css).
 */
const WINDOW_MS = 10 * 60 * 1000;
const POINTS = 240;
const QUERY = '/api/v1/metrics/query';
const SERIES = { cpu: 'cpu.busy{cpu="total"}', mem: 'memory.used' };
const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);
const main = $('usage');
const status = (text) => {
  $('status').textContent = text;
};
/** [t, value] points per series, oldest first: CPU as a ratio, memory in bytes. */
const data = { cpu: [], mem: [] };
const gib = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`;
const pct = (r) => `${(r * 100).toFixed(1)} %`;

const draw = (key) => {
  const pts = data[key];
  const now = pts.length ? pts[pts.length - 1][0] : Date.now();
  const from = now - WINDOW_MS;
  while (pts.length > 0 && pts[0][0] < from) pts.shift();
  // CPU on 0–100 %; memory from 0 to the window's peak (a joined node reports no total).
  const top = key === 'cpu' ? 1 : Math.max(1, ...pts.map((p) => p[1])) * 1.1;
  const y = (v) => (40 - Math.max(0, Math.min(1, v / top)) * 40).toFixed(1);
  const line = pts.map(([t, v]) => `${(((t - from) / WINDOW_MS) * 240).toFixed(1)},${y(v)}`).join(' ');
  $(`${key}-line`).setAttribute('points', line);
  const last = pts[pts.length - 1];
  const out = $(`${key}-value`);
  out.textContent = last ? (key === 'cpu' ? pct(last[1]) : gib(last[1])) : '–';
  out.dataset.value = last ? String(last[1]) : '';
  out.dataset.points = String(pts.length);
};

/** Merges points into a series (by time, no duplicates) and redraws it. */
const add = (key, points) => {
  const byT = new Map(data[key].map((p) => [p[0], p]));
  for (const p of points) if (Number.isFinite(p[0]) && Number.isFinite(p[1])) byT.set(p[0], [p[0], p[1]]);
  data[key] = [...byT.values()].sort((a, b) => a[0] - b[0]);
  draw(key);
};

/** One `metrics.sample` event: `{ node, at, values: { [series id]: value } }`. */
const onSample = (d) => {
  const node = main.dataset.node;
  if (!d || d.node !== node || !d.values || typeof d.values !== 'object') return;
  const ids = sampleIdsOf(node);
  for (const key of ['cpu', 'mem']) {
    const v = d.values[ids[key]];
    if (typeof v === 'number') add(key, [[d.at, v]]);
  }
};

const start = async (panel) => {
  panel.onEvent((e) => {
    if (e.topic === 'metrics.sample') onSample(e.data);
  });
  // The node page's context: the metrics plugin keys nodes by name (the kernel's host name).
  const node = panel.init.context.name || panel.init.context.id;
  if (!node) {
    main.dataset.state = 'error';
    status('This panel belongs on a node page.');
    return;
  }
  main.dataset.node = node;
  status(`Node ${node}: loading the last 10 minutes…`);
  const load = async (key, from = 'now-10m') => {
    const q = { series: SERIES[key], node, from, points: String(POINTS) };
    const a = await panel.read(QUERY, q);
    const r = (a.results || [])[0];
    add(key, r ? r.points : []);
  };
  try {
    await Promise.all([load('cpu'), load('mem')]);
    main.dataset.state = 'live';
    status(`Node ${node}: live.`);
  } catch (e) {
    main.dataset.state = 'error';
    status(`Could not read the history (${(e && (e.code || e.message)) || e}); live samples still show.`);
  }
  panel.resize(Math.ceil(document.documentElement.scrollHeight) + 4);
  setInterval(() => {
    Promise.all([load('cpu', 'now-1m'), load('mem', 'now-1m')]).then(
      () => {
        main.dataset.state = 'live';
        status(`Node ${node}: live.`);
      },
      () => {
        main.dataset.state = 'stale';
        status(`Node ${node}: the newest figures could not be read; retrying.`);
      },
    );
  }, REFRESH_MS);
};

void connectPanel().then(start);
