import { spawnSync } from 'node:child_process';

/** One sampled stack, leaf first, as `perf script -F sym` prints it. */
type Stack = string[];

/** Reads the stacks of a `perf record -g` file (symbols only, leaf first). */
function readStacks(file: string): Stack[] {
  const r = spawnSync('perf', ['script', '-i', file, '-F', 'ip,sym'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`perf script failed: ${r.stderr}`);
  const stacks: Stack[] = [];
  let current: Stack = [];
  for (const raw of r.stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      if (current.length > 0) stacks.push(current);
      current = [];
      continue;
    }
    const space = line.indexOf(' ');
    const sym = space < 0 ? line : line.slice(space + 1);
    current.push(sym.replace(/file:\/\/\/\S*?\/(dist|node_modules|bench|kernel)\//, '$1/'));
  }
  if (current.length > 0) stacks.push(current);
  return stacks;
}

/**
 * A `perf record -g -e cpu-clock` file of one thread read as inclusive CPU per request: for each
 * root (a substring of a symbol, e.g. `JS:*writeDirect`), the µs per request spent in it and
 * what it called, split by callee (its own code is `(self)`; V8 inlines small functions, whose
 * time counts in their caller). Where a root recurs in a stack its outermost frame counts, so
 * nothing is counted twice. Each sample is `1e6 / hz` µs of CPU actually run (see summarizePerf
 * in profile-summary.ts). Without roots, the `top` JS functions of this repository's bundle
 * (`dist/`) by inclusive CPU are listed. bench/http-profile.ts prints it with OMEGA_BENCH_PERF=graph.
 */
export function summarizeCallGraph(
  file: string,
  hz: number,
  requests: number,
  roots: string[],
  top = 12,
): string[] {
  const stacks = readStacks(file);
  const perReq = (n: number) => ((n * 1e6) / hz / requests).toFixed(2).padStart(7);
  const out = [
    `CPU of the thread while it recorded: ${perReq(stacks.length).trim()} µs per request (${requests} requests, ${stacks.length} samples at ${hz} Hz)`,
  ];
  if (roots.length === 0) {
    const inclusive = new Map<string, number>();
    for (const s of stacks) {
      for (const f of new Set(s.filter((f) => f.startsWith('JS:') && f.includes('dist/'))))
        inclusive.set(f, (inclusive.get(f) ?? 0) + 1);
    }
    out.push(`top ${top} functions of dist/ by inclusive CPU, µs per request:`);
    for (const [f, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
      out.push(`${perReq(n)}  ${f.slice(0, 140)}`);
    return out;
  }
  for (const root of roots) {
    const callees = new Map<string, number>();
    let total = 0;
    for (const s of stacks) {
      let at = -1;
      for (let i = s.length - 1; i >= 0; i--) {
        if (s[i]!.includes(root)) {
          at = i;
          break;
        }
      }
      if (at < 0) continue;
      total++;
      const callee = at === 0 ? '(self)' : s[at - 1]!;
      callees.set(callee, (callees.get(callee) ?? 0) + 1);
    }
    out.push(`${perReq(total)}  ${root}, of which:`);
    for (const [f, n] of [...callees].sort((a, b) => b[1] - a[1]).slice(0, top))
      out.push(`    ${perReq(n)}  ${f.slice(0, 130)}`);
  }
  return out;
}
