import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceCaller } from '@omega/protocol';
import { removeAtFileEnd, startTempKernel, type TempKernel } from '../../../../tests/helpers/temp-kernel.js';

/** Kernel config overrides, as startTempKernel takes them. */
type KernelConfigInput = NonNullable<Parameters<typeof startTempKernel>[0]>;
/** An event on the kernel's bus. */
export interface BusEvent {
  topic: string;
  seq: number;
  data: unknown;
}

/** True when `topic` matches `pattern` (dot segments, `*` one segment, `**` the rest). */
export function matchTopic(pattern: string, topic: string): boolean {
  const p = pattern.split('.');
  const t = topic.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '**') return t.length > i;
    if (i >= t.length || (p[i] !== '*' && p[i] !== t[i])) return false;
  }
  return p.length === t.length;
}

/** The plugins' source folders in the repo. */
export const NODES_DIR = join(import.meta.dirname, '..', '..');
export const METRICS_DIR = join(NODES_DIR, '..', 'metrics');
const GRANTS = JSON.parse(readFileSync(join(NODES_DIR, '..', 'grants.json'), 'utf8')) as Record<
  string,
  { granted: string[]; denied: string[] }
>;

const REPO = join(NODES_DIR, '..', '..');
const builds = new Map<string, Promise<unknown>>();
/** Builds a plugin once per test process, with the sdk's CLI as a plugin author would (`omega-plugin build`). */
export function build(dir: string): Promise<unknown> {
  let b = builds.get(dir);
  if (!b) {
    b = new Promise((resolve, reject) =>
      execFile(
        join(REPO, 'node_modules', '.bin', 'omega-plugin'),
        ['build', dir, '--no-typecheck'] /* npm run check type-checks plugins/ */,
        { cwd: REPO },
        (err, stdout, stderr) =>
          err ? reject(new Error(`omega-plugin build ${dir}: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
    builds.set(dir, b);
  }
  return b;
}

/**
 * A temp plugins dir with copies of the built plugins (dist/plugin.json + dist/plugin.js, as shipped) and a
 * grants file with the repository's default grants for them (plugins/grants.json). Removed at
 * the test file's end, when close() has not (a kernel closed with `keep`, a restart on it).
 */
export async function pluginsDir(dirs: string[] = [NODES_DIR]): Promise<{ dir: string; grantsFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-nodes-plugins-'));
  removeAtFileEnd(dir);
  const grants: Record<string, unknown> = {};
  for (const src of dirs) {
    await build(src);
    const name = (JSON.parse(readFileSync(join(src, 'plugin.json'), 'utf8')) as { name: string }).name;
    const target = join(dir, name);
    mkdirSync(join(target, 'dist'), { recursive: true });
    cpSync(join(src, 'dist', 'plugin.js'), join(target, 'dist', 'plugin.js'));
    // the built manifest (main + integrity) the kernel loads; the source plugin.json carries neither
    cpSync(join(src, 'dist', 'plugin.json'), join(target, 'dist', 'plugin.json'));
    // A plugin's UI folder (the metrics plugin's panels) ships beside it, as the build sealed it.
    const ui = (
      JSON.parse(readFileSync(join(src, 'dist', 'plugin.json'), 'utf8')) as { ui?: { root: string } }
    ).ui;
    if (ui) cpSync(join(src, ui.root), join(target, ui.root), { recursive: true });
    grants[name] = GRANTS[name];
  }
  const grantsFile = join(dir, 'grants.json');
  writeFileSync(grantsFile, JSON.stringify(grants));
  return { dir, grantsFile };
}

/** A real kernel with the nodes plugin (and `with` plugins), its bus, and a view of its events. */
export interface NodesKernel extends TempKernel {
  plugins: { dir: string; grantsFile: string };
  /** Every event published since start whose topic matches one of the patterns. */
  events(patterns?: string[]): BusEvent[];
  /** Calls a plugin service as `caller` (default: the kernel). */
  call(service: string, args: unknown, caller?: ServiceCaller): Promise<unknown>;
  /** Stops the kernel; `keep` keeps the data dir for a restart. */
  close(keep?: boolean): Promise<void>;
}

/** The kernel as a service caller (the reserved name). */
export const KERNEL: ServiceCaller = { plugin: 'kernel', version: '0.1.0' };

/** Starts a kernel loading the nodes plugin (reuse `dataDir` and `plugins` to restart on the same data). */
export async function startNodesKernel(
  opts: {
    with?: string[];
    dataDir?: string;
    plugins?: { dir: string; grantsFile: string };
    config?: KernelConfigInput;
  } = {},
): Promise<NodesKernel> {
  const plugins = opts.plugins ?? (await pluginsDir([NODES_DIR, ...(opts.with ?? [])]));
  const k = await startTempKernel({
    ...opts.config,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    plugins: { dirs: [plugins.dir], grantsFile: plugins.grantsFile, warmHosts: 0, ...opts.config?.plugins },
  });
  const seen: BusEvent[] = [];
  const sub = k.kernel.bus.subscribe(['**'], (batch) => void seen.push(...(batch as BusEvent[])));
  const status = k.kernel.plugins.info('nodes');
  if (status.status !== 'running') {
    await k.stop();
    throw new Error(`nodes plugin did not start: ${JSON.stringify(status.reasons)}`);
  }
  return {
    ...k,
    plugins,
    events(patterns) {
      if (!patterns) return seen;
      return seen.filter((e) => patterns.some((p) => matchTopic(p, e.topic)));
    },
    call: (service, args, caller = KERNEL) => k.kernel.plugins.services.call(service, args, caller),
    async close(keep = false) {
      sub.unsubscribe();
      await k.stop();
      if (!keep) {
        rmSync(k.dataDir, { recursive: true, force: true });
        rmSync(plugins.dir, { recursive: true, force: true });
      }
    },
  };
}

/** An agent identity: a real Ed25519 key pair, the raw public key as the protocol writes it. */
export function agentKey(): { publicKey: string } {
  const { publicKey } = generateKeyPairSync('ed25519');
  return { publicKey: publicKey.export({ format: 'jwk' }).x as string };
}

/** Polls `check` every 50 ms until it returns something truthy, or fails after `ms`. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** JSON of an API call (throws with the problem when it fails and `ok` is expected). */
export async function api<T = Record<string, unknown>>(
  k: TempKernel,
  path: string,
  init: { method?: string; body?: unknown; token?: string | false } = {},
): Promise<{ status: number; body: T }> {
  const res = await k.api(path, {
    method: init.method ?? 'GET',
    ...(init.body !== undefined
      ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
      : {}),
    ...(init.token !== undefined ? { token: init.token } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** An API body as tests read it: assertions check its shape. */
// biome-ignore lint/suspicious/noExplicitAny: tests read API bodies loosely and assert their shape
export type Loose = any;
/** A JSON object read loosely. */
export type Doc = Record<string, Loose>;
