import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteRequest } from '@omega/protocol';
import { createLogger, type Logger } from '../../kernel/log/index.js';
import { createPermissionGate } from '../../kernel/permissions/index.js';
import { type PluginManifest, parseManifest, verifyIntegrity } from '../../kernel/plugins/index.js';
import type {
  DeniedCall,
  HostServices,
  PluginInstance,
  PluginLimits,
  PluginStatus,
  Sandbox,
} from '../../kernel/sandbox/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'plugins');

/** A silent logger for tests. */
export const quietLogger = (): Logger => createLogger({ level: 'silent' });

/** A fixture's manifest (validated) and bundle (integrity checked): fixtures are built plugins, flat. */
export async function loadFixture(name: string): Promise<{ manifest: PluginManifest; code: string }> {
  const dir = join(FIXTURES, name);
  const manifest = parseManifest(await readFile(join(dir, 'plugin.json'), 'utf8'), `${name}/plugin.json`);
  const bundle = await readFile(join(dir, manifest.main));
  if (!verifyIntegrity(bundle, manifest.integrity)) {
    throw new Error(
      `${name}: plugin.js does not match its integrity; run tests/fixtures/plugins/write-manifests.ts`,
    );
  }
  return { manifest, code: bundle.toString('utf8') };
}

/** Options of {@link startFixture}. */
export interface StartFixtureOptions {
  services?: Partial<HostServices>;
  limits?: Partial<PluginLimits>;
  /** Grant less than declared (default: grant exactly what is declared). */
  granted?: string[];
  onDenied?: (d: DeniedCall) => void;
}

/** Starts a fixture with its manifest's permissions granted, through the real permission gate. */
export async function startFixture(
  sb: Sandbox,
  name: string,
  o: StartFixtureOptions = {},
): Promise<PluginInstance> {
  const { manifest, code } = await loadFixture(name);
  const gate = createPermissionGate({
    plugin: manifest.name,
    declared: manifest.permissions,
    granted: o.granted ?? manifest.permissions,
  });
  return sb.start({
    name: manifest.name,
    version: manifest.version,
    bundleCode: code,
    limits: { ...manifest.limits, ...o.limits },
    authorize: (d) => gate.check(d),
    services: { log: quietLogger(), ...o.services },
  });
}

/** A route request with defaults. */
export const req = (over: Partial<RouteRequest> = {}): RouteRequest => ({
  method: 'POST',
  path: '/',
  params: {},
  query: {},
  headers: {},
  caller: { kind: 'anonymous', id: '', permissions: [] },
  requestId: 'test',
  body: null,
  ...over,
});

/** The error code a promise rejects with, or 'resolved'. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

/** Pids of this process's live children (from /proc). */
export async function childPids(): Promise<number[]> {
  const out: number[] = [];
  for (const tid of await readdir(`/proc/${process.pid}/task`)) {
    const text = await readFile(`/proc/${process.pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const p of text.trim().split(/\s+/)) if (p) out.push(Number(p));
  }
  return out;
}

/** Active timers and child handles of this process (what a leak would leave). */
export const liveResources = (): string[] =>
  process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'ProcessWrap' || r === 'PipeWrap');

/** Pending timers (`Timeout` entries of getActiveResourcesInfo) of this process. */
export const timerCount = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * The timer count once it is at most `max`, polling for up to 2 s so a timer that is legitimately
 * still pending (a closing socket's timeout, a last back-off) can clear; the count at the end
 * of the poll otherwise, for the caller to assert on.
 */
export async function timersSettledTo(max: number): Promise<number> {
  for (let waited = 0; timerCount() > max && waited < 2000; waited += 50)
    await new Promise<void>((r) => setTimeout(r, 50).unref());
  return timerCount();
}

/** Calls `ping` on a plugin and returns the body (the "still answering" probe). */
export async function ping(instance: PluginInstance): Promise<unknown> {
  const json = await instance.invoke('route', 'ping', JSON.stringify(req()));
  return (JSON.parse(json) as { body: unknown }).body;
}

/** Keeps pinging `instance` until `stop()`; returns how many pings failed and succeeded. */
export function keepPinging(instance: PluginInstance): { stop(): Promise<{ ok: number; failed: number }> } {
  let running = true;
  let ok = 0;
  let failed = 0;
  const loop = (async () => {
    while (running) {
      try {
        await ping(instance);
        ok++;
      } catch {
        failed++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failed };
    },
  };
}

/**
 * Resolves the plugin's status once it runs again in a host other than `oldPid`. A deadline
 * breach rejects the call before the supervisor has seen the old host die, so `waitFor(['running'])`
 * alone can still see the old pid as running.
 */
export async function waitForRestart(
  instance: PluginInstance,
  oldPid: number | undefined,
): Promise<PluginStatus> {
  for (let i = 0; i < 600; i++) {
    const s = instance.status();
    if (s.state === 'running' && s.pid !== oldPid) return s;
    if (s.state === 'quarantined' || s.state === 'stopped') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  return instance.status();
}
