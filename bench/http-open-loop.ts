import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { OpenLoopOptions, OpenLoopResult } from './open-loop-generator.js';
import { realtimePrefix } from './open-loop-realtime.js';

export type { Distribution, OpenLoopOptions, OpenLoopResult } from './open-loop-generator.js';

/**
 * A fixed-rate (open-loop, wrk2-style) load from a generator in its own process
 * (open-loop-child.ts → `generateOpenLoop`): request i is due at `start + i / rate` and its
 * latency counts from then, so a server (or a full connection pool) that stalls is charged for
 * every request that should have gone out meanwhile (no coordinated omission). Requests are
 * pre-serialised bytes on raw keep-alive sockets, paced by a thread that sleeps to each due time
 * µs-precisely; the result carries the generator's own lateness (dispatch − due) and its CPU,
 * so its floor is printed beside what it measured. The generator runs under SCHED_FIFO where the
 * machine allows it (open-loop-realtime.ts; `realtime: false` turns that off), so other processes
 * do not delay its clocks; the result says which. Rejects when the generator fails.
 */
export async function openLoop(
  url: string,
  opts: OpenLoopOptions & { realtime?: boolean },
): Promise<OpenLoopResult & { realtime: boolean }> {
  const rt = opts.realtime === false ? [] : realtimePrefix();
  const argv = [
    ...rt,
    process.execPath,
    '--conditions=source',
    '--import',
    'tsx',
    join(import.meta.dirname, 'open-loop-child.ts'),
    JSON.stringify({ url, opts }),
  ];
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`open-loop generator exited with ${code}: ${err.trim() || out.trim() || 'no output'}`);
  }
  return { ...(JSON.parse(last) as OpenLoopResult), realtime: rt.length > 0 };
}
