import { spawn, spawnSync } from 'node:child_process';

/** What one wrk run measured. */
export interface LoadResult {
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  requests: number;
  /** Responses that were not 2xx/3xx, plus socket errors. */
  bad: number;
}

/** Makes sure wrk (Debian package `wrk`) is installed: apt-get install when missing, bounded in time. */
export function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  console.log('installing wrk (apt-get install -y wrk) …');
  const r = spawnSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'inherit', timeout: 180_000 });
  if (r.status !== 0 || spawnSync('wrk', ['--version']).error !== undefined) {
    throw new Error(
      'wrk is missing and could not be installed: run `apt-get install wrk` as root, then retry.',
    );
  }
}

const MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const ms = (v: string, unit: string) => Number(v) * (MS[unit] ?? Number.NaN);

/** Reads wrk's `--latency` text output. */
export function parseWrk(text: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const total = /(\d+) requests in/.exec(text);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s|m)\b/.exec(text);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)\b/.exec(text);
  if (!rps || !total || !p50 || !p99) throw new Error(`cannot read wrk's output:\n${text}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = errs ? errs.slice(1).reduce((s, x) => s + Number(x), 0) : 0;
  return {
    rps: Number(rps[1]),
    requests: Number(total[1]),
    p50: ms(p50[1]!, p50[2]!),
    p99: ms(p99[1]!, p99[2]!),
    bad: Number(non2xx?.[1] ?? 0) + socketErrors,
  };
}

/** Options of {@link wrk}. */
export interface LoadOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

/** Runs wrk (one thread: the other core is the server's) against `url`; rejects on bad responses. */
export async function wrk(url: string, opts: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '--timeout', '5s'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(url);
  const text = await new Promise<string>((resolve, reject) => {
    const p = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`)),
    );
  });
  const r = parseWrk(text);
  if (r.bad > 0) throw new Error(`${url}: ${r.bad} bad responses or socket errors of ${r.requests}`);
  return r;
}
