import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, short: node internals, a package, or this repository's file. */
function where(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  const own = url.match(/\/(dist|kernel|bench|sdk|protocol)\/.*$/);
  return own ? own[0].slice(1) : url;
}

/**
 * A .cpuprofile read as sampled time per request: `requests` served during the profile's
 * busiest `windowSec` seconds (the load) share that window's samples. Returns the window's
 * busy µs per request, the same by area (node internals, packages, this repository), and the
 * `top` functions by self time: lines to diff between two servers profiled under the same
 * load (bench/http-profile.ts prints them). Sampled time includes waits inside system calls.
 */
export function summarizeProfile(file: string, requests: number, windowSec: number, top = 25): string[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const node = new Map(p.nodes.map((n) => [n.id, n]));
  const idle = (id: number) => node.get(id)!.callFrame.functionName === '(idle)';
  const at: number[] = [];
  let t = 0;
  for (const d of p.timeDeltas) {
    t += d;
    at.push(t);
  }
  const dt = at.map((x, i) => (i + 1 < at.length ? at[i + 1]! - x : 0));
  // The busiest window: where the load ran.
  const span = windowSec * 1e6;
  let best = 0;
  let bestFrom = 0;
  let busy = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    if (!idle(p.samples[i]!)) busy += dt[i]!;
    while (at[i]! - at[j]! > span) {
      if (!idle(p.samples[j]!)) busy -= dt[j]!;
      j++;
    }
    if (busy > best) {
      best = busy;
      bestFrom = at[j]!;
    }
  }
  const self = new Map<string, number>();
  const area = new Map<string, number>();
  for (let i = 0; i < at.length; i++) {
    const id = p.samples[i]!;
    if (at[i]! < bestFrom || at[i]! > bestFrom + span || idle(id)) continue;
    const f = node.get(id)!.callFrame;
    const k = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + dt[i]!);
    const a = f.url === '' ? f.functionName : where(f.url);
    area.set(a, (area.get(a) ?? 0) + dt[i]!);
  }
  const perReq = (us: number) => (us / requests).toFixed(2).padStart(7);
  const sorted = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `sampled busy time in the load window: ${perReq(best).trim()} µs per request (${requests} requests)`,
    'by area, µs per request:',
    ...sorted(area, 15).map(([k, v]) => `${perReq(v)}  ${k}`),
    `top ${top} functions by self time, µs per request:`,
    ...sorted(self, top).map(([k, v]) => `${perReq(v)}  ${k}`),
  ];
}

/**
 * A `perf record -e cpu-clock` file of one thread read as CPU per request: each sample is
 * `1e6 / hz` µs of CPU actually run (a descheduled thread takes none, unlike a .cpuprofile's
 * samples, which count wall time and so inflate whatever was on the stack while other processes
 * ran), shared by the `requests` served while it recorded. JS functions are named from the
 * process's /tmp/perf-<pid>.map (node `--perf-basic-prof`); inlined functions count in their
 * caller. Returns the total and the `top` symbols (JS, V8 builtins and the OS kernel's).
 */
export function summarizePerf(file: string, hz: number, requests: number, top = 25): string[] {
  const r = spawnSync(
    'perf',
    ['report', '-i', file, '--no-children', '--sort', 'sym', '--stdio', '-n', '-q'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`perf report failed: ${r.stderr}`);
  const bySym = new Map<string, number>();
  let total = 0;
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*[\d.]+%\s+(\d+)\s+\[.\]\s+(.*)$/.exec(line);
    if (!m) continue;
    const sym = m[2]!
      .replace(/tid \d+\s*/, '')
      .replace(/file:\/\/\/\S*?\/(dist|node_modules|bench|kernel)\//, '$1/');
    const n = Number(m[1]);
    total += n;
    bySym.set(sym.trim(), (bySym.get(sym.trim()) ?? 0) + n);
  }
  const perReq = (n: number) => ((n * 1e6) / hz / requests).toFixed(2).padStart(7);
  return [
    `CPU of the thread while it recorded: ${perReq(total).trim()} µs per request (${requests} requests, ${total} samples at ${hz} Hz)`,
    `top ${top} symbols by self CPU, µs per request:`,
    ...[...bySym]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${perReq(v)}  ${k.slice(0, 140)}`),
  ];
}
