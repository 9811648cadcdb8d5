import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { idleWakeCost } from './idle-wake-cost.js';

/**
 * Where the kernel's CPU per metrics collection goes: a copy of a tree's built kernel
 * (dist/cli.js) with CPU counters (process.cpuUsage around each step) at the per-second path's
 * steps, running only the metrics plugin; per window, each step's µs and calls per collection,
 * the kernel's main-thread and whole-process CPU, and its wake-ups (voluntary context switches:
 * main thread, all threads), and the plugin host's (the kernel's children, all their threads:
 * CPU from schedstat, wake-ups), so kernel + host per collection compares side by side. Beside them, from the same run: what one wake-up with nothing to do
 * costs a bare node process (two children woken once and twice a second), since the kernel's
 * unaccounted remainder is mostly wake-ups, and the counters' own cost (an empty step).
 *
 * A counter whose anchor text is not in the bundle is reported and left out (the bundle drifts).
 * Counters are nested-free except `fire` and `onFrame` (each includes the steps run inside it).
 *
 * Run (after `npx tsup --silent`):  npx tsx bench/metrics-steps.ts
 * STEPS_TREE (default this tree; several, comma-separated, run side by side, e.g.
 * `STEPS_TREE=/work/before-s14,.`: then each one's medians follow), STEPS_WARMUP s (default 240: steady
 * state), STEPS_WINDOWS (default 3) of STEPS_WINDOW s (default 60).
 */

const TOKEN = 'bench-admin-token-0123456789abcdef';

/** [step, text in dist/cli.js, its replacement with a counter]. */
const ANCHORS: [string, string, string][] = [
  [
    'zod',
    'const parsed = spec2.args.safeParse(raw);',
    'const parsed = __m("zod", () => spec2.args.safeParse(raw));',
  ],
  [
    'parseJson',
    'const raw = parseUntrustedJson(body.toString("utf8"), limits.maxJsonDepth);',
    'const raw = __m("parseJson", () => parseUntrustedJson(body.toString("utf8"), limits.maxJsonDepth));',
  ],
  [
    'streamWrite',
    '    stream3.write(full.subarray(0, bytes3));',
    '    __m("streamWrite", () => stream3.write(full.subarray(0, bytes3)));',
  ],
  [
    'writerSend',
    '      writer.send(type, id2, aux, meta, body);',
    '      __m("writerSend", () => writer.send(type, id2, aux, meta, body));',
  ],
  [
    'spinSent',
    '      if (type === FrameType.CALL) spin.sent(ENTRY_KIND.call);',
    '      if (type === FrameType.CALL) __m("spinSent", () => spin.sent(ENTRY_KIND.call));',
  ],
  [
    'tickStringify',
    'const payload = JSON.stringify({ sample: reading });',
    'const payload = __m("tickStringify", () => JSON.stringify({ sample: reading }));',
  ],
  [
    'tickAuthorize',
    '          opts.authorize({ kind: "system.read", area });',
    '          __m("tickAuthorize", () => opts.authorize({ kind: "system.read", area }));',
  ],
  [
    'sampleSync',
    '    const reading = allowed.length > 0 ? await system.sample(allowed) : { data: {}, errors: {} };',
    '    const reading = allowed.length > 0 ? await __m("sampleSync", () => system.sample(allowed)) : { data: {}, errors: {} };',
  ],
  [
    'fire',
    'setTimeout(fire, period) : setInterval(fire, period);',
    'setTimeout(fire, period) : setInterval(__w("fire", fire), period);',
  ],
  [
    'onFrame',
    '      onFrame,\n      onViolation: (r) =>',
    '      onFrame: __w("onFrame", onFrame),\n      onViolation: (r) =>',
  ],
  [
    'trackerNext',
    '    return tracker.next(sample, load, Date.now());',
    '    return __m("trackerNext", () => tracker.next(sample, load, Date.now()));',
  ],
  [
    'deadlineTimer',
    'ticker = setTimeout(checkDeadlines, Math.max(1, Math.ceil(at - performance.now())));',
    'ticker = setTimeout(__w("deadlineTimer", checkDeadlines), Math.max(1, Math.ceil(at - performance.now())));',
  ],
  [
    'busPublish',
    'seq: need(env, "bus").publish(a.topic, a.data ?? null, { bytes: bytes3 }).seq',
    'seq: __m("busPublish", () => need(env, "bus").publish(a.topic, a.data ?? null, { bytes: bytes3 })).seq',
  ],
];
/** Module-level functions wrapped whole (only the outermost call of a recursion counts). */
const FUNCTIONS = [
  'parseProcStat',
  'parseMeminfo',
  'memoryFromMeminfo',
  'parseNetDev',
  'parseDiskstats',
  'parseMounts',
  'deepFreeze',
];

/** Module-level `var` functions wrapped whole (timer callbacks: their count is how often they fire). */
const VARS: [string, string][] = [['spinTick', 'tick']];
/** Module-level tables of functions, each entry counted (with __m: they run inside onFrame). */
const TABLES: [string, string][] = [['fastArgs', 'FAST_ARGS']];

/** The counters and the per-window report, put at the top of the patched bundle. */
const PRELUDE = `
const __acc = new Map(); let __depth = 0;
const __cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const __add = (n, us) => { let e = __acc.get(n); if (!e) __acc.set(n, e = { us: 0, n: 0 }); e.us += us; e.n++; };
globalThis.__m = (n, f) => { const t = __cpu(); try { return f(); } finally { __add(n, __cpu() - t); } };
globalThis.__w = (n, fn) => function (...a) { if (__depth > 0) return fn.apply(this, a); __depth++; const t = __cpu(); try { return fn.apply(this, a); } finally { __depth--; __add(n, __cpu() - t); } };
{ const { readFileSync: rf, readdirSync: rd } = await import('node:fs');
  const tasks = () => rd('/proc/self/task');
  const sched = (t) => Number(rf('/proc/self/task/' + t + '/schedstat', 'utf8').split(' ')[0]) / 1000;
  const vol = (t) => Number(/voluntary_ctxt_switches:\\s+(\\d+)/.exec(rf('/proc/self/task/' + t + '/status', 'utf8'))[1]);
  const read = () => { let all = 0, wakes = 0; for (const t of tasks()) { try { all += sched(t); wakes += vol(t); } catch {} } return { main: sched(process.pid), mainWakes: vol(process.pid), all, wakes, kids: kids() }; };
  // The kernel's children (the plugin host): per pid, all its threads' CPU µs and wake-ups.
  const kids = () => { const out = {}; for (const t of tasks()) { let c = ''; try { c = rf('/proc/self/task/' + t + '/children', 'utf8'); } catch {} for (const pid of c.split(' ').filter(Boolean)) { let cpu = 0, w = 0, mw = 0; try { for (const k of rd('/proc/' + pid + '/task')) { const b = '/proc/' + pid + '/task/' + k + '/'; cpu += Number(rf(b + 'schedstat', 'utf8').split(' ')[0]) / 1000; const v = Number(/voluntary_ctxt_switches:\\s+(\\d+)/.exec(rf(b + 'status', 'utf8'))[1]); w += v; if (k === pid) mw = v; } out[pid] = { cpu, w, mw }; } catch {} } } return out; };
  const kidsDelta = (a, b) => { let cpu = 0, wakes = 0, mainWakes = 0; for (const [pid, k] of Object.entries(b)) { const o = a[pid]; if (!o) continue; cpu += k.cpu - o.cpu; wakes += k.w - o.w; mainWakes += k.mw - o.mw; } return { cpu, wakes, mainWakes }; };
  let t0 = performance.now(), r0 = read();
  setInterval(() => { const t = performance.now(), r = read();
    for (let i = 0; i < 50; i++) __m('(empty step)', () => 0);
    const steps = Object.fromEntries(__acc);
    process.stderr.write('STEPS ' + JSON.stringify({ up: process.uptime(), secs: (t - t0) / 1000, main: r.main - r0.main, all: r.all - r0.all, mainWakes: r.mainWakes - r0.mainWakes, wakes: r.wakes - r0.wakes, host: kidsDelta(r0.kids, r.kids), steps }) + '\\n');
    __acc.clear(); t0 = t; r0 = r; }, Number(process.env.STEPS_WINDOW ?? 60) * 1000).unref(); }
`;

/** The tree's dist with the counters in; returns what was left out. */
function patchDist(tree: string, into: string): string[] {
  cpSync(join(tree, 'dist'), into, { recursive: true });
  const file = join(into, 'cli.js');
  let s = readFileSync(file, 'utf8');
  const missing: string[] = [];
  for (const [name, find, replace] of ANCHORS) {
    if (s.includes(find)) s = s.replace(find, replace);
    else missing.push(name);
  }
  const line = s.indexOf('\n') + 1; // after the shebang
  s = s.slice(0, line) + PRELUDE + s.slice(line);
  for (const f of FUNCTIONS) {
    if (new RegExp(`^function ${f}\\(`, 'm').test(s)) s += `\n${f} = __w(${JSON.stringify(f)}, ${f});`;
    else missing.push(f);
  }
  for (const [name, v] of VARS) {
    if (new RegExp(`^var ${v} = \\(\\) => \\{`, 'm').test(s))
      s += `\n${v} = __w(${JSON.stringify(name)}, ${v});`;
    else missing.push(name);
  }
  for (const [name, t] of TABLES) {
    if (new RegExp(`^var ${t} = \\{`, 'm').test(s))
      s += `\nfor (const k of Object.keys(${t})) { const f = ${t}[k]; ${t}[k] = (...a) => __m(${JSON.stringify(name)}, () => f(...a)); }`;
    else missing.push(name);
  }
  writeFileSync(file, s);
  return missing;
}

interface Window {
  up: number;
  secs: number;
  main: number;
  all: number;
  mainWakes: number;
  wakes: number;
  /** The plugin host (the kernel's children): CPU µs of all its threads, wake-ups (all, main thread). */
  host?: { cpu: number; wakes: number; mainWakes: number };
  steps: Record<string, { us: number; n: number }>;
}

/** One tree's kernel, counters in, running only the metrics plugin until `windows` windows past `warmup`. */
async function runTree(tree: string, warmup: number, windows: number, windowS: number): Promise<Result> {
  // Inside this tree, so the bundle's packages resolve from its node_modules.
  const scratch = join(import.meta.dirname, '..', '.omega-tmp');
  mkdirSync(scratch, { recursive: true });
  const work = mkdtempSync(join(scratch, 'steps-'));
  const data = mkdtempSync(join(tmpdir(), 'omega-steps-data-'));
  try {
    const missing = patchDist(tree, join(work, 'dist'));
    const plugins = join(work, 'plugins');
    mkdirSync(join(plugins, 'metrics', 'dist'), { recursive: true });
    for (const f of ['plugin.js', 'plugin.json'])
      cpSync(join(tree, 'plugins', 'metrics', 'dist', f), join(plugins, 'metrics', 'dist', f));
    cpSync(join(tree, 'plugins', 'metrics', 'panels'), join(plugins, 'metrics', 'panels'), {
      recursive: true,
    });
    const manifest = JSON.parse(readFileSync(join(tree, 'plugins', 'metrics', 'plugin.json'), 'utf8')) as {
      permissions: string[];
    };
    writeFileSync(
      join(plugins, 'grants.json'),
      JSON.stringify({ metrics: { granted: manifest.permissions, denied: [] } }),
    );
    const config = join(work, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        plugins: { dirs: [plugins], grantsFile: join(plugins, 'grants.json'), warmHosts: 0 },
      }),
    );
    const args = [
      join(work, 'dist', 'cli.js'),
      'start',
      '--port',
      '0',
      '--data-dir',
      data,
      '--config',
      config,
    ];
    const kernel = spawn(process.execPath, [...args, '--no-local-agent', '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', OMEGA_ADMIN_TOKEN: TOKEN, STEPS_WINDOW: String(windowS) },
    });
    const got: Window[] = [];
    const enough = new Promise<void>((res, rej) => {
      kernel.once('exit', (code) => rej(new Error(`the kernel exited with ${code}`)));
      createInterface({ input: kernel.stderr! }).on('line', (line) => {
        if (!line.startsWith('STEPS ')) return;
        const w = JSON.parse(line.slice(6)) as Window;
        if (w.up >= warmup) got.push(w);
        if (got.length >= windows) res();
      });
    });
    try {
      await enough;
    } finally {
      kernel.kill('SIGTERM');
    }
    return { tree, got, missing };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
}

interface Result {
  tree: string;
  got: Window[];
  missing: string[];
}

async function main(): Promise<void> {
  // Several trees (comma-separated) run side by side, so they share the machine's load.
  const trees = (process.env.STEPS_TREE ?? join(import.meta.dirname, '..')).split(',').map((t) => resolve(t));
  const warmup = Number(process.env.STEPS_WARMUP ?? 240);
  const windows = Number(process.env.STEPS_WINDOWS ?? 3);
  const windowS = Number(process.env.STEPS_WINDOW ?? 60);
  // The wake-up probes run in the last window, beside the kernels.
  const probeAt = Math.max(0, warmup + (windows - 1) * windowS) * 1000;
  const probes = new Promise<[number, number]>((res, rej) =>
    setTimeout(
      () => Promise.all([idleWakeCost(1, windowS), idleWakeCost(2, windowS)]).then(res, rej),
      probeAt,
    ),
  );
  const results = await Promise.all(trees.map((t) => runTree(t, warmup, windows, windowS)));
  const [one, two] = await probes;
  for (const r of results) print(r.tree, r.got, r.missing);
  if (results.length > 1) printMedians(results);
  process.stdout.write(
    `\nbaseline, same run: a bare node process woken once a second ${one.toFixed(1)} µs/s, twice ${two.toFixed(1)} µs/s: one wake-up with nothing to do ≈ ${(two - one).toFixed(1)} µs; loadavg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
}

/** Per tree, the median over its windows of the per-collection figures. */
function printMedians(results: Result[]): void {
  const median = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  process.stdout.write('\nmedians per collection (side by side, same run):\n');
  for (const r of results) {
    const per = (pick: (w: Window) => number) =>
      median(r.got.map((w) => pick(w) / (w.steps.fire?.n ?? w.secs)));
    process.stdout.write(
      `  ${r.tree}: main ${per((w) => w.main).toFixed(1)} µs, process ${per((w) => w.all).toFixed(1)} µs, wake-ups main ${per((w) => w.mainWakes).toFixed(2)} all ${per((w) => w.wakes).toFixed(2)}, spin ticks ${per((w) => w.steps.spinTick?.n ?? 0).toFixed(2)}, deadline timer ${per((w) => w.steps.deadlineTimer?.n ?? 0).toFixed(2)}; host ${per((w) => w.host?.cpu ?? 0).toFixed(1)} µs, wake-ups main ${per((w) => w.host?.mainWakes ?? 0).toFixed(2)} all ${per((w) => w.host?.wakes ?? 0).toFixed(2)}; kernel + host ${per((w) => w.all + (w.host?.cpu ?? 0)).toFixed(1)} µs\n`,
    );
  }
}

function print(tree: string, got: Window[], missing: string[]): void {
  const f = (v: number) => v.toFixed(1).padStart(8);
  process.stdout.write(
    `kernel: ${tree}/dist (counters added); ${got.length} windows; loadavg ${loadavg()[0]?.toFixed(2)}\n`,
  );
  if (missing.length > 0)
    process.stdout.write(`not counted (anchor not in the bundle): ${missing.join(', ')}\n`);
  for (const w of got) {
    const collections = w.steps.fire?.n ?? w.secs;
    const per = (v: number) => v / collections;
    process.stdout.write(
      `\nwindow at ${w.up.toFixed(0)} s: ${collections} collections; per collection: main thread ${f(per(w.main))} µs, process ${f(per(w.all))} µs, wake-ups main ${per(w.mainWakes).toFixed(2)} all ${per(w.wakes).toFixed(2)}; plugin host ${f(per(w.host?.cpu ?? 0))} µs, wake-ups main ${per(w.host?.mainWakes ?? 0).toFixed(2)} all ${per(w.host?.wakes ?? 0).toFixed(2)}\n`,
    );
    const rows = Object.entries(w.steps).sort((a, b) => b[1].us - a[1].us);
    for (const [name, s] of rows)
      process.stdout.write(
        `  ${name.padEnd(18)} ${f(per(s.us))} µs  ${(s.n / collections).toFixed(2)} calls, ${f(s.us / s.n)} µs each\n`,
      );
  }
}

await main();
