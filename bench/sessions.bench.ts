import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostileBinary, skipReason } from '../agent/test/exec/exec-harness.js';
import type { SessionSpec } from '../plugins/sessions/src/contract.js';
import {
  type Demand,
  demandOf,
  freeCapacity,
  type PlacementNode,
  schedulePass,
} from '../plugins/sessions/src/placement/index.js';
import { parseSessionSpec } from '../plugins/sessions/src/spec/parse-session-spec.js';
import { seededRandom } from '../tests/helpers/seeded-random.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  startNode,
  startSessionsKernel,
  stopNode,
  waitSession,
} from '../tests/sessions/helpers/sessions-cluster.js';
import { percentile, report } from './report.js';

/**
 * What the sessions plugin costs, each figure beside a baseline measured in the same run:
 * 1. Placement: 1,000 pending sessions on 100 simulated nodes (mixed sizes, 2 NUMA nodes each,
 *    some with GPUs) in one scheduling pass — its time, and how tight the packing is, beside a
 *    plain first-fit-decreasing (FFD) computed here on scalar capacities: at 70 % load the
 *    nodes used, at 150 % the sessions placed and the cores and memory handed out.
 * 2. End to end on a real kernel with the nodes and sessions plugins and a real agent running
 *    sessions in cgroups: API call → the session's first instruction running (the command
 *    prints CLOCK_MONOTONIC, the clock of process.hrtime, as its first act) beside a bare
 *    spawn() of the same binary; pause and resume through the API until the node confirmed,
 *    beside a bare SIGSTOP / SIGCONT of the same kind of process and a plain GET of the session.
 *
 * BENCH_ROUNDS (default 20) sets the samples per latency figure. Part 2 needs root and a
 * writable cgroup (it says so and skips otherwise).
 */

const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
const GiB = 2 ** 30;

// ── 1. placement ─────────────────────────────────────────────────────────────────────────
function simulatedNodes(): PlacementNode[] {
  const nodes: PlacementNode[] = [];
  for (let i = 0; i < 100; i++) {
    const big = i % 10 >= 6 && i % 10 < 9;
    const gpu = i % 10 === 9;
    const cpus = big ? 64 : 32;
    const per = cpus / 2;
    nodes.push({
      id: `sim-${String(i).padStart(3, '0')}`,
      name: `sim-${String(i).padStart(3, '0')}`,
      labels: {},
      numa: [0, 1].map((z) => ({ node: z, cpus: Array.from({ length: per }, (_, c) => z * per + c) })),
      memoryBytes: (big || gpu ? 256 : 128) * GiB,
      gpus: gpu ? [0, 1, 2, 3].map((index) => ({ index, model: 'NVIDIA A100-SXM4-80GB' })) : [],
      notEnforced: {},
    });
  }
  return nodes;
}

/** 1,000 sessions whose total asks `load` × the cluster's cores (cores, shares, memory, a few GPUs). */
function pendingSessions(load: number, seed: number, nodes: readonly PlacementNode[]): Demand[] {
  const rand = seededRandom(seed);
  const specs: unknown[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = rand();
    const resources: Record<string, unknown> =
      r < 0.55 ? { cores: 1 + Math.floor(rand() * 8) } : { millicores: 250 * (1 + Math.floor(rand() * 16)) };
    resources.memory = `${1 + Math.floor(rand() * 16)}G`;
    if (rand() < 0.02) resources.gpus = 1 + Math.floor(rand() * 2);
    specs.push({ command: 'true', resources });
  }
  const cores = (d: unknown) => {
    const x = (d as { resources: { cores?: number; millicores?: number } }).resources;
    return x.cores ?? (x.millicores ?? 1000) / 1000;
  };
  // Scale the cores asked for to the load wanted (memory and GPUs as drawn).
  const total = nodes.reduce((sum, n) => sum + n.numa.reduce((c, z) => c + z.cpus.length, 0), 0);
  const factor = (load * total) / specs.reduce<number>((s, d) => s + cores(d), 0);
  return specs.map((d, i) => {
    const x = (d as { resources: Record<string, unknown> }).resources;
    if (typeof x.cores === 'number') x.cores = Math.max(1, Math.round(x.cores * factor));
    else x.millicores = Math.max(1, Math.round((x.millicores as number) * factor));
    const spec: SessionSpec = parseSessionSpec(d, { placement: 'binpack' });
    return demandOf(`s-${i}`, spec);
  });
}

/** The baseline: textbook FFD on scalar capacities (millicores, memory, GPUs), nodes in name order. */
function ffd(demands: readonly Demand[], nodes: readonly PlacementNode[]) {
  const cap = nodes.map((n) => ({
    mc: n.numa.reduce((s, z) => s + z.cpus.length, 0) * 1000,
    mem: n.memoryBytes,
    gpus: n.gpus.length,
    used: false,
  }));
  const maxMc = Math.max(...cap.map((c) => c.mc));
  const maxMem = Math.max(...cap.map((c) => c.mem));
  const maxGpu = Math.max(1, ...cap.map((c) => c.gpus));
  const size = (d: Demand) => Math.max(d.millicores / maxMc, d.memoryBytes / maxMem, d.gpus / maxGpu);
  const sorted = [...demands].sort((a, b) => size(b) - size(a));
  let placed = 0;
  let millicores = 0;
  let memory = 0;
  for (const d of sorted) {
    const c = cap.find((x) => x.mc >= d.millicores && x.mem >= d.memoryBytes && x.gpus >= d.gpus);
    if (!c) continue;
    c.mc -= d.millicores;
    c.mem -= d.memoryBytes;
    c.gpus -= d.gpus;
    c.used = true;
    placed++;
    millicores += d.millicores;
    memory += d.memoryBytes;
  }
  return { placed, millicores, memory, nodesUsed: cap.filter((c) => c.used).length };
}

function omegaPass(demands: readonly Demand[], nodes: readonly PlacementNode[]) {
  const free = freeCapacity(nodes, []);
  const r = schedulePass(demands, free);
  let millicores = 0;
  let memory = 0;
  const used = new Set<string>();
  for (const p of r.placed) {
    millicores += p.demand.millicores;
    memory += p.demand.memoryBytes;
    used.add(p.fit.node);
  }
  return { placed: r.placed.length, millicores, memory, nodesUsed: used.size, waiting: r.waiting };
}

function timed<T>(f: () => T, times: number): { ms: number; result: T } {
  const samples: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    result = f();
    samples.push(performance.now() - t);
  }
  return { ms: percentile(samples, 50), result: result as T };
}

const nodes = simulatedNodes();
for (const load of [0.7, 1.5]) {
  const demands = pendingSessions(load, 16, nodes);
  const omega = timed(() => omegaPass(demands, nodes), 5);
  const base = timed(() => ffd(demands, nodes), 5);
  const tag = `${Math.round(load * 100)} % load`;
  report({
    name: `placing 1,000 sessions on 100 nodes, ${tag} (p50 of 5)`,
    value: omega.ms,
    unit: 'ms',
    baseline: { name: 'scalar FFD', value: base.ms },
  });
  const o = omega.result;
  const b = base.result;
  if (load < 1) {
    report({
      name: `nodes used, ${tag} (${o.placed} placed)`,
      value: o.nodesUsed,
      unit: 'nodes',
      baseline: { name: `FFD (${b.placed} placed)`, value: b.nodesUsed },
      goal: '≤ FFD, as many placed',
      met: o.placed >= b.placed && o.nodesUsed <= b.nodesUsed,
    });
  } else {
    report({
      name: `sessions placed, ${tag}`,
      value: o.placed,
      unit: 'sessions',
      baseline: { name: 'FFD', value: b.placed },
    });
    report({
      name: `cores handed out, ${tag}`,
      value: o.millicores / 1000,
      unit: 'cores',
      baseline: { name: 'FFD', value: b.millicores / 1000 },
      goal: '≥ 0.97 × FFD',
      met: o.millicores >= 0.97 * b.millicores,
    });
    report({
      name: `memory handed out, ${tag}`,
      value: o.memory / GiB,
      unit: 'GiB',
      baseline: { name: 'FFD', value: b.memory / GiB },
    });
    console.log(`  e.g. waiting: ${o.waiting[0]?.reason ?? '-'}`);
  }
}

// ── 2. end to end ────────────────────────────────────────────────────────────────────────
const why = await skipReason();
if (why !== null) {
  console.log(`sessions end to end: skipped (${why})`);
  process.exit(0);
}
const bin = await hostileBinary();
const k = await startSessionsKernel();
const node = await startNode(k, 'bench1');
/** The bare process the pause baseline stops and continues. */
let spinner: ChildProcess | undefined;
try {
  console.log(`end to end: a real kernel and agent on this machine; ${rounds} rounds per latency figure`);
  const ms = (ns: bigint) => Number(ns) / 1e6;

  async function bareFirstInstruction(): Promise<number> {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, ['first-instruction'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await new Promise((r) => child.once('close', r));
    return ms(BigInt(out.trim()) - t0);
  }

  /** POST → the first instruction (its own clock), and how long the POST itself took. */
  async function apiFirstInstruction(): Promise<{ first: number; created: number }> {
    const t0 = process.hrtime.bigint();
    const r = await createSession(k, {
      command: bin,
      args: ['first-instruction'],
      resources: { millicores: 100, memory: '16M' },
    });
    const created = ms(process.hrtime.bigint() - t0);
    if (r.status !== 201) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
    const id = r.body.id as string;
    let text = '';
    for (let i = 0; i < 200 && !/^\d+\n/.test(text); i++) {
      const w = await api<Doc>(k, `/api/v1/sessions/${id}/logs?stream=stdout&offset=0&wait=10`);
      text = w.status === 200 ? Buffer.from(w.body.data as string, 'base64').toString() : '';
      if (!text) await sleep(5);
    }
    await waitSession(k, id, (s) => s.status.state === 'completed');
    return { first: ms(BigInt(text.trim()) - t0), created };
  }

  const bare: number[] = [];
  const first: number[] = [];
  const created: number[] = [];
  await apiFirstInstruction(); // warm the path (the plugin's isolate, the agent's executor)
  for (let i = 0; i < rounds; i++) {
    bare.push(await bareFirstInstruction());
    const s = await apiFirstInstruction();
    first.push(s.first);
    created.push(s.created);
  }
  for (const p of [50, 99]) {
    report({
      name: `API call → first instruction p${p}`,
      value: percentile(first, p),
      unit: 'ms',
      baseline: { name: `bare spawn p${p}`, value: percentile(bare, p) },
    });
  }
  report({
    name: 'POST /api/v1/sessions answered p50',
    value: percentile(created, 50),
    unit: 'ms',
    baseline: { name: 'bare spawn p50', value: percentile(bare, 50) },
  });

  // pause / resume through the API, until the node confirmed (200)
  const state = (pid: number) => {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  };
  const spin = await createSession(k, {
    command: bin,
    args: ['spin'],
    resources: { millicores: 200, memory: '16M' },
  });
  const spinId = spin.body.id as string;
  await waitSession(k, spinId, (s) => s.status.state === 'running');
  spinner = spawn(bin, ['spin'], { stdio: 'ignore' });
  await sleep(300);
  const pause: number[] = [];
  const resume: number[] = [];
  const get: number[] = [];
  const stop: number[] = [];
  const cont: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    const p = await api<Doc>(k, `/api/v1/sessions/${spinId}/pause`, { method: 'POST', body: {} });
    if (p.status !== 200 || p.body.status.state !== 'paused')
      throw new Error(`pause: ${p.status} ${JSON.stringify(p.body.status ?? p.body)}`);
    pause.push(performance.now() - t);
    t = performance.now();
    const r = await api<Doc>(k, `/api/v1/sessions/${spinId}/resume`, { method: 'POST', body: {} });
    if (r.status !== 200 || r.body.status.state !== 'running')
      throw new Error(`resume: ${r.status} ${JSON.stringify(r.body.status ?? r.body)}`);
    resume.push(performance.now() - t);
    t = performance.now();
    await api<Doc>(k, `/api/v1/sessions/${spinId}`);
    get.push(performance.now() - t);
    t = performance.now();
    process.kill(spinner.pid!, 'SIGSTOP');
    while (state(spinner.pid!) !== 'T') await sleep(0);
    stop.push(performance.now() - t);
    t = performance.now();
    process.kill(spinner.pid!, 'SIGCONT');
    while (state(spinner.pid!) === 'T') await sleep(0);
    cont.push(performance.now() - t);
    await sleep(20);
  }
  for (const p of [50, 99]) {
    report({
      name: `pause through the API p${p}`,
      value: percentile(pause, p),
      unit: 'ms',
      baseline: { name: `bare SIGSTOP p${p}`, value: percentile(stop, p) },
    });
    report({
      name: `resume through the API p${p}`,
      value: percentile(resume, p),
      unit: 'ms',
      baseline: { name: `bare SIGCONT p${p}`, value: percentile(cont, p) },
    });
  }
  console.log(
    "  (a pause is SIGTSTP, the executor's 100 ms grace for the session to stop itself, then the freezer until frozen: see docs/agent-executor.md)",
  );
  report({
    name: 'pause through the API p50',
    value: percentile(pause, 50),
    unit: 'ms',
    baseline: { name: 'GET of the session p50', value: percentile(get, 50) },
  });
} finally {
  spinner?.kill('SIGKILL');
  // Nothing is left running: every session ended, the agent stopped, the kernel closed.
  await cancelAll(k).catch(() => undefined);
  await stopNode(node);
  await k.close();
}
process.exit(0);
