import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { report } from './report.js';

/**
 * How long a kernel stop takes when two unrelated plugins each have slow service calls in
 * flight (800 ms each, callTimeoutMs 2 s) and more keep coming (as from timers or other
 * plugins) while it runs: a drain waits for the calls its plugin has. One after another, the
 * second plugin takes calls while the first drains, then drains them (about two calls' time);
 * at once, both refuse new calls from the start (about one). This tree
 * against another checkout (BASELINE_TREE, default /work/before-s10), alternating, medians of
 * wall time (the figure is timeouts, not CPU, so the machine's load barely moves it).
 *
 *   npx tsx --conditions=source bench/kernel-stop-drain.bench.ts
 */

const ROUNDS = 3;
const TIMEOUT_MS = 2_000;
const SLOW_MS = 800;

// A slow call: it answers after SLOW_MS, within the plugin's callTimeoutMs.
const SLOW = `export const plugin = {
  services: {
    async hold(_args, ctx) {
      await ctx.events.publish('demo.started', {});
      await new Promise((r) => ctx.timers.after(${SLOW_MS}, r));
      return true;
    },
  },
};
`;

type Kernel = {
  kernel: {
    stop(): Promise<void>;
    bus: { subscribe(t: string[], fn: (e: unknown[]) => void): { unsubscribe(): void } };
    plugins: { services: { call(s: string, a: unknown, c: unknown): Promise<unknown> } };
  };
  close(): Promise<void>;
};
type Start = (plugins: Record<string, unknown>, config: unknown) => Promise<Kernel>;

async function load(tree: string): Promise<Start> {
  const m = await import(pathToFileURL(join(tree, 'tests/helpers/start-plugin-kernel.ts')).href);
  return m.startPluginKernel as Start;
}

async function stopMs(start: Start): Promise<number> {
  const manifest = {
    permissions: ['events:publish:demo.*', 'timers'],
    services: [{ name: 'hold' }],
    limits: { callTimeoutMs: TIMEOUT_MS },
  };
  const k = await start(
    { alpha: { code: SLOW, manifest }, bravo: { code: SLOW, manifest } },
    { plugins: { warmHosts: 0 } },
  );
  let seen = 0;
  let both!: () => void;
  const started = new Promise<void>((r) => {
    both = r;
  });
  const sub = k.kernel.bus.subscribe(['demo.started'], (e) => {
    seen += e.length;
    if (seen >= 2) both();
  });
  const caller = { plugin: 'bench', version: '0.0.0' };
  const hold = (p: string) => k.kernel.plugins.services.call(`${p}.hold`, {}, caller).catch(() => {});
  hold('alpha');
  hold('bravo');
  await started;
  sub.unsubscribe();
  // Calls keep coming to both (as from timers or other plugins) while the stop runs.
  const more = setInterval(() => {
    hold('alpha');
    hold('bravo');
  }, 50);
  const t0 = performance.now();
  await k.kernel.stop();
  const ms = performance.now() - t0;
  clearInterval(more);
  await k.close();
  return ms;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const baselineTree = process.env.BASELINE_TREE ?? '/work/before-s10';
const after = await load(process.cwd());
const before = await load(baselineTree);
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    a.push(await stopMs(before));
    b.push(await stopMs(after));
  } else {
    b.push(await stopMs(after));
    a.push(await stopMs(before));
  }
}
console.log(`load average: ${execSync('uptime').toString().trim()}`);
report({
  name: `kernel stop, 2 plugins busy with ${SLOW_MS} ms calls (this tree)`,
  value: median(b),
  unit: 'ms',
  baseline: { name: baselineTree, value: median(a) },
});
