import { connectPanel } from '@omega/sdk/panel';

/*
 * The sessions plugin's session-page panel (issue #19): the live resource use of the session the
 * page shows, against its limits. Every figure is what the API answers for that session:
 * `GET /api/v1/sessions/{id}/usage` (the newest 1 s sample: CPU time, throttled time, memory now
 * and at peak, tasks; the limits asked for), `GET /api/v1/sessions/{id}` (what the node enforces)
 * and the metrics plugin's per-session series (`session.cpu_cores`, `session.memory_bytes`:
 * the last 10 minutes as two sparklines; the newest CPU rate, and of `session.cpu_throttled_ratio`
 * the share of time the CPU cap holds it back). It re-reads the usage when a
 * `sessions.usage` batch names the session (each second while it runs: the event only says
 * *when*, the numbers come from the API), the newest minute of the series at most every 5 s, and
 * everything once more when the session changes state (`sessions.session.*`); once ended it
 * shows the final figures and reads nothing more.
 *
 * It runs in an opaque-origin frame with `connect-src 'none'` and Trusted Types: it never
 * fetches, never parses HTML (`textContent`, `setAttribute` only), and talks to the dashboard
 * only through `connectPanel` (the one MessagePort the shell hands it). It asks only for what
 * plugin.json declares. `npm run build:panel` bundles this file into panels/session/panel.js (and
 * session-usage.css, with the sdk's panel.css, into panels/session/panel.css).
 */
const WINDOW_MS = 10 * 60 * 1000;
const POINTS = 240;
const USAGE = '/api/v1/sessions/{id}/usage';
const SESSION = '/api/v1/sessions/{id}';
const QUERY = '/api/v1/metrics/query';
const HISTORY_EVERY_MS = 5000;
const TERMINAL = new Set(['completed', 'failed', 'oom-killed', 'timed-out', 'cancelled', 'lost']);
const $ = (id) => document.getElementById(id);
const main = $('usage');
const status = (text) => {
  $('status').textContent = text;
};
/** [t, value] points per series, oldest first: CPU in cores, memory in bytes, throttled share. */
const data = { cpu: [], mem: [], thr: [] };
/** The metrics plugin's series behind each (`session.*{session="<id>"}`). */
const SERIES = {
  cpu: 'session.cpu_cores',
  mem: 'session.memory_bytes',
  thr: 'session.cpu_throttled_ratio',
};
/** The limits the usage route answers: cores (from cores or millicores), memory bytes. */
const limits = { cpu: null, mem: null };
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const bytes = (b) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const cores = (c) => `${c.toFixed(2)} cores`;
const seconds = (s) => `${s.toFixed(2)} s`;

/** Sets a figure: its text, and its exact value in `data-value` ('' when absent). */
const show = (id, value, text) => {
  const el = $(id);
  el.textContent = isNum(value) ? text(value) : '–';
  el.dataset.value = isNum(value) ? String(value) : '';
};
/**
 * The rates (a rate needs two samples, so they come from the metrics plugin's series): the
 * newest point as its API answers it, `data-at` its time; none once the session has ended.
 */
const RATES = {
  cpu: ['cpu-value', (v) => (limits.cpu ? `${v.toFixed(2)} of ${cores(limits.cpu)}` : cores(v))],
  thr: ['throttled-ratio', (v) => `${(v * 100).toFixed(1)} % of the time`],
};

const draw = (key) => {
  const pts = data[key];
  const now = pts.length ? pts[pts.length - 1][0] : Date.now();
  const from = now - WINDOW_MS;
  while (pts.length > 0 && pts[0][0] < from) pts.shift();
  const line = $(`${key}-line`);
  if (line) {
    // Scaled to the limit when there is one (the line touching the top is the session at its cap).
    const peak = Math.max(0, ...pts.map((p) => p[1]));
    const top = limits[key] || (peak > 0 ? peak * 1.1 : 1);
    const y = (v) => (40 - Math.max(0, Math.min(1, v / top)) * 40).toFixed(1);
    line.setAttribute(
      'points',
      pts.map(([t, v]) => `${(((t - from) / WINDOW_MS) * 240).toFixed(1)},${y(v)}`).join(' '),
    );
    $(`${key}-value`).dataset.points = String(pts.length);
  }
  const rate = RATES[key];
  if (rate) {
    const last = pts[pts.length - 1];
    const ended = TERMINAL.has(main.dataset.sessionState);
    show(rate[0], ended ? undefined : last?.[1], rate[1]);
    $(rate[0]).dataset.at = last && !ended ? String(last[0]) : '';
  }
};

/** Merges points into a series (by time, no duplicates) and redraws it. */
const add = (key, points) => {
  const byT = new Map(data[key].map((p) => [p[0], p]));
  for (const p of points) if (isNum(p[0]) && isNum(p[1])) byT.set(p[0], [p[0], p[1]]);
  data[key] = [...byT.values()].sort((a, b) => a[0] - b[0]);
  draw(key);
};

/** Shows one answer of the usage route. */
const showUsage = (a) => {
  const u = a.usage || {};
  main.dataset.sessionState = a.state;
  main.dataset.at = u.at || '';
  limits.cpu = isNum(a.limits?.cores)
    ? a.limits.cores
    : isNum(a.limits?.millicores)
      ? a.limits.millicores / 1000
      : null;
  limits.mem = isNum(a.limits?.memoryBytes) ? a.limits.memoryBytes : null;
  show('cpu-limit', limits.cpu, cores);
  show('mem-limit', limits.mem, bytes);
  const pct = limits.mem && isNum(u.memoryCurrentBytes) ? (u.memoryCurrentBytes / limits.mem) * 100 : null;
  const share = pct === null ? '' : ` (${pct.toFixed(pct < 10 ? 1 : 0)} % of the limit)`;
  show('mem-value', u.memoryCurrentBytes, (v) => `${bytes(v)}${share}`);
  show('cpu-time', u.cpuTotalSec, (v) =>
    isNum(u.cpuUserSec) && isNum(u.cpuSystemSec)
      ? `${seconds(v)} (user ${seconds(u.cpuUserSec)}, system ${seconds(u.cpuSystemSec)})`
      : seconds(v),
  );
  show('throttled', u.throttledSec, seconds);
  show('mem-peak', a.peakMemoryBytes, bytes);
  show('tasks', u.pidsCurrent, String);
  main.dataset.source = u.source || '';
  for (const key of Object.keys(data)) draw(key);
};

const start = (panel) => {
  const session = panel.init.context.id;
  if (!session) {
    main.dataset.state = 'error';
    status('This panel belongs on a session page.');
    return;
  }
  main.dataset.session = session;
  const series = (name) => `${name}{session="${session}"}`;
  let ended = false;
  let inFlight = null;
  let again = false;
  let lastHistory = 0;

  const loadHistory = async (from) => {
    const load = async (key, name) => {
      const a = await panel.read(QUERY, { series: series(name), from, points: String(POINTS) });
      const r = (a.results || [])[0];
      add(key, r ? r.points : []);
    };
    lastHistory = Date.now();
    await Promise.all(Object.keys(SERIES).map((key) => load(key, SERIES[key])));
  };
  const loadEnforced = async () => {
    const s = await panel.read(SESSION);
    const lines = (s.status && Array.isArray(s.status.enforcement) && s.status.enforcement) || [];
    $('enforced').textContent = lines.length ? lines.join('; ') : '–';
  };
  /** Reads the usage (and, at most every 5 s, the newest minute of the series); one read at a time. */
  const refresh = () => {
    if (inFlight) {
      again = true;
      return;
    }
    const history =
      Date.now() - lastHistory >= HISTORY_EVERY_MS ? loadHistory('now-1m').catch(() => {}) : null;
    inFlight = Promise.all([panel.read(USAGE), history])
      .then(([a]) => {
        showUsage(a);
        ended = TERMINAL.has(a.state);
        main.dataset.state = ended ? 'ended' : 'live';
        status(
          ended
            ? `Session ${session} ${a.state}: final figures.`
            : a.usage
              ? `Session ${session}: live.`
              : `Session ${session} ${a.state}: no usage reported yet.`,
        );
      })
      .catch((e) => {
        main.dataset.state = 'stale';
        status(`The newest figures could not be read (${(e && (e.code || e.message)) || e}); retrying.`);
      })
      .finally(() => {
        inFlight = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  };

  status(`Session ${session}: loading…`);
  Promise.all([
    panel.read(USAGE).then(showUsage),
    loadHistory('now-10m').catch((e) => {
      status(`No history (${(e && (e.code || e.message)) || e}); the newest figures still show.`);
    }),
    loadEnforced().catch(() => {}),
  ])
    .then(() => refresh())
    .catch((e) => {
      main.dataset.state = 'error';
      status(`Could not read the session's usage (${(e && (e.code || e.message)) || e}).`);
    })
    .finally(() => panel.resize(Math.ceil(document.documentElement.scrollHeight) + 4));

  return {
    /** A `sessions.usage` batch: `{ at, fields, rows }`; re-read when a row is this session's. */
    usage(d) {
      if (ended || !d || !Array.isArray(d.fields) || !Array.isArray(d.rows)) return;
      const col = d.fields.indexOf('session');
      if (col >= 0 && d.rows.some((r) => Array.isArray(r) && r[col] === session)) refresh();
    },
    /** A `sessions.session.<state>` event: this session moved; read everything again. */
    moved(d) {
      if (!d || d.id !== session) return;
      ended = false;
      loadEnforced().catch(() => {});
      lastHistory = 0;
      refresh();
    },
  };
};

void connectPanel().then((panel) => {
  const live = start(panel);
  if (!live) return;
  panel.onEvent((m) => {
    if (m.topic === 'sessions.usage') live.usage(m.data);
    else if (m.topic.startsWith('sessions.session.')) live.moved(m.data);
  });
});
