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
