import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callRoute,
  createSandbox,
  type PluginInstance,
  resolveHostEntry,
  type Sandbox,
} from '../../kernel/sandbox/index.js';
import { quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * A plugin host runs V8 with one worker thread (kernel/sandbox/spawn-host.ts: `--v8-pool-size=1`):
 * after the same burst of allocating calls (scavenges, a hot function), a host has three threads
 * fewer than one whose flags are overridden back to Node's default pool of four V8 workers, and
 * both still serve calls.
 */
const CODE = `export const plugin = { routes: {
  async churn() { let keep = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; keep += o.s.length; } return { status: 200, body: { keep } }; },
} };`;

const threadsOf = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;

describe('plugin host threads', () => {
  const sandboxes: Sandbox[] = [];
  const hosts: PluginInstance[] = [];
  beforeAll(async () => {
    const entry = resolveHostEntry();
    const defaults = {
      ...entry,
      execArgv: [...entry.execArgv, '--v8-pool-size=4'],
    };
    for (const hostEntry of [entry, defaults]) {
      const sb = createSandbox({ logger: quietLogger(), warmHosts: 0, cgroups: { mode: 'none' }, hostEntry });
      sandboxes.push(sb);
      hosts.push(await startInline(sb, { name: 'threads-probe', code: CODE, permissions: ['http:routes'] }));
    }
  });
  afterAll(async () => {
    await Promise.all(sandboxes.map((sb) => sb.close()));
  });

  it('keeps one V8 worker thread through a burst of allocating calls', async () => {
    for (const p of hosts)
      for (let i = 0; i < 300; i++) expect((await callRoute(p, 'churn', req())).status).toBe(200);
    const [host, withDefaults] = hosts.map((p) => threadsOf(p.status().pid!));
    expect(host).toBeLessThanOrEqual(withDefaults! - 3);
    for (const p of hosts) expect(p.status().state).toBe('running');
  }, 30_000);
});
