import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createExecutor, type Executor } from '../agent/src/exec/index.js';
import { percentile, report } from './report.js';

/**
 * What running a command as an Omega session costs on the node, each figure beside the same
 * thing done bare in the same run:
 * - time to the command's first instruction: executor.start() (cgroup, uid, supervisor,
 *   enter-then-exec) vs child_process.spawn() of the same binary (it prints CLOCK_MONOTONIC,
 *   the clock of process.hrtime, as its first act);
 * - pause and resume latency: freeze until the kernel says frozen (SIGTSTP grace 0) vs SIGSTOP
 *   of a bare process until /proc says stopped;
 * - memory per session of the omega-shim supervisor vs the session's own trivial process and
 *   vs an idle Node.js process (what a supervisor written in Node would cost);
 * - output throughput through the supervisor (pipe → rotated segments) vs the same command
 *   writing straight to a file opened O_APPEND (the fallback design).
 *
 * BENCH_ROUNDS (default 40) sets the samples per latency figure. Needs root and a writable cgroup.
 */

const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
if (process.getuid?.() !== 0) {
  console.log('sessions-exec: skipped (needs root for cgroups and session uids)');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'omega-bench-exec-'));
chmodSync(work, 0o755);
const bin = join(work, 'hostile');
execFileSync('cc', [
  '-O2',
  '-pthread',
  '-o',
  bin,
  join(import.meta.dirname, '../agent/test/exec/fixtures/hostile.c'),
]);
chmodSync(bin, 0o755);
const lo = 3_950_000 + (process.pid % 1000) * 64;
const ex: Executor = await createExecutor({
  dataDir: join(work, 'data'),
  uidRange: [lo, lo + 31],
  cgroup: { parent: `omega-bench-${process.pid}` },
  logMaxBytes: 64 * 1024 * 1024,
});
// the same executor without cgroups: what the supervisor and the uid switch cost on their own
const exNone: Executor = await createExecutor({
  dataDir: join(work, 'data-none'),
  uidRange: [lo + 32, lo + 63],
  cgroup: { mode: 'none' },
});
console.log(`node: cgroup mode ${ex.report().mode}; ${rounds} rounds per latency figure`);
let seq = 0;
const nextId = () => `b${seq++}`;
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

async function sessionFirstInstruction(on: Executor): Promise<{ first: number; started: number }> {
  const id = nextId();
  const t0 = process.hrtime.bigint();
  await on.start({ id, command: bin, args: ['first-instruction'] });
  const started = ms(process.hrtime.bigint() - t0);
  await on.wait(id);
  const out = (await on.logs(id, { stream: 'stdout' })).data.toString().trim();
  await on.remove(id);
  return { first: ms(BigInt(out) - t0), started };
}

const bare: number[] = [];
const session: number[] = [];
const noCgroup: number[] = [];
const startResolved: number[] = [];
for (let i = 0; i < rounds; i++) {
  bare.push(await bareFirstInstruction());
  const s = await sessionFirstInstruction(ex);
  session.push(s.first);
  startResolved.push(s.started);
  noCgroup.push((await sessionFirstInstruction(exNone)).first);
}
for (const p of [50, 99]) {
  report({
    name: `session spawn → first instruction p${p}`,
    value: percentile(session, p),
    unit: 'ms',
    baseline: { name: `bare spawn p${p}`, value: percentile(bare, p) },
  });
  report({
    name: `session without cgroups → first instruction p${p}`,
    value: percentile(noCgroup, p),
    unit: 'ms',
    baseline: { name: `bare spawn p${p}`, value: percentile(bare, p) },
  });
}
report({
  name: 'session start() resolved p50',
  value: percentile(startResolved, 50),
  unit: 'ms',
  baseline: { name: 'bare spawn p50', value: percentile(bare, 50) },
});

// ── pause / resume ──────────────────────────────────────────────────────────────────────
const state = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
};
const spinner = spawn(bin, ['spin'], { stdio: 'ignore' });
const spinId = nextId();
await ex.start({ id: spinId, command: bin, args: ['spin'] });
await sleep(200);
const pause: number[] = [];
const resume: number[] = [];
const stop: number[] = [];
const cont: number[] = [];
for (let i = 0; i < rounds; i++) {
  let t = performance.now();
  await ex.pause(spinId, { graceMs: 0 });
  pause.push(performance.now() - t);
  t = performance.now();
  await ex.resume(spinId);
  resume.push(performance.now() - t);
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
    name: `pause (freeze until frozen) p${p}`,
    value: percentile(pause, p),
    unit: 'ms',
    baseline: { name: `bare SIGSTOP p${p}`, value: percentile(stop, p) },
  });
  report({
    name: `resume (thaw + SIGCONT) p${p}`,
    value: percentile(resume, p),
    unit: 'ms',
    baseline: { name: `bare SIGCONT p${p}`, value: percentile(cont, p) },
  });
}
spinner.kill('SIGKILL');
await ex.terminate(spinId, { graceMs: 0 });

// ── memory per session ────────────────────────────────────────────────────────────────────
const rssKiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const sleepers = await Promise.all(
  Array.from({ length: 20 }, () => ex.start({ id: nextId(), command: bin, args: ['sleep'] })),
);
await sleep(200);
const shimKiB = sleepers.reduce((sum, s) => sum + rssKiB(s.supervisorPid!), 0) / sleepers.length;
const mainKiB = sleepers.reduce((sum, s) => sum + rssKiB(s.pid!), 0) / sleepers.length;
const nodeIdle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
await sleep(500);
const nodeKiB = rssKiB(nodeIdle.pid!);
nodeIdle.kill('SIGKILL');
report({
  name: 'omega-shim RSS per session',
  value: shimKiB,
  unit: 'KiB',
  baseline: { name: 'the session’s own sleeping process', value: mainKiB },
});
report({
  name: 'omega-shim RSS per session',
  value: shimKiB,
  unit: 'KiB',
  baseline: { name: 'an idle Node.js process (a supervisor in Node)', value: nodeKiB },
});
for (const s of sleepers) await ex.terminate(s.id, { graceMs: 0 });

// ── output throughput ─────────────────────────────────────────────────────────────────────
const bytes = 512 * 1024 * 1024;
let t = performance.now();
const floodId = nextId();
await ex.start({ id: floodId, command: bin, args: ['flood', String(bytes)] });
await ex.wait(floodId);
const viaShim = bytes / 2 ** 20 / ((performance.now() - t) / 1000);
const file = join(work, 'direct.log');
t = performance.now();
execFileSync('sh', ['-c', `"$0" flood ${bytes} >> "$1"`, bin, file]);
const direct = bytes / 2 ** 20 / ((performance.now() - t) / 1000);
rmSync(file);
report({
  name: 'output through omega-shim (rotated, capped 64 MiB)',
  value: viaShim,
  unit: 'MiB/s',
  baseline: { name: 'straight to an O_APPEND file', value: direct },
});

for (const s of ex.list()) if (s.phase !== 'ended') await ex.terminate(s.id, { graceMs: 0 });
await ex.close();
await exNone.close();
rmSync(work, { recursive: true, force: true });
