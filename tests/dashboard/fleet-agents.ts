import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentProcess, startAgent } from '../nodes/helpers/agent-process.js';
import type { DashboardKernel } from './dashboard-kernel.js';

/** Real agents joined to a dashboard kernel (its nodes plugin, and resources when installed). */
export interface FleetAgents {
  agents: Array<{ name: string; dir: string; proc: AgentProcess }>;
  stop(): Promise<void>;
}

/** Latency probes every second over a 6 s window (the resources plugin's settings), so a test sees the matrix fill quickly. */
async function fastProbes(d: DashboardKernel, token: string): Promise<void> {
  const settings = await d.call<{ version: number }>('GET', '/api/v1/resources/settings', undefined, token);
  const put = await d.call(
    'PUT',
    '/api/v1/resources/settings',
    {
      probe: { intervalMs: 1000, packets: 3, spacingMs: 50, timeoutMs: 400, windowMs: 6000 },
      version: settings.body.version,
    },
    token,
  );
  if (put.status !== 200) throw new Error(`resources settings: ${put.status} ${JSON.stringify(put.body)}`);
}

/**
 * Starts one real `omega-agent` process per name against the kernel (joined with a token minted
 * by the admin, reporting resources every second and, with `resources` (default), probing the
 * others every second), and waits until each has joined. The figures they report are this
 * machine's own.
 */
export async function startFleetAgents(
  d: DashboardKernel,
  token: string,
  names: string[],
  opts: { resources?: boolean } = {},
): Promise<FleetAgents> {
  if (opts.resources !== false) await fastProbes(d, token);
  const minted = await d.call<{ token: string }>(
    'POST',
    '/api/v1/nodes/tokens',
    { ttl: '10m', uses: names.length },
    token,
  );
  if (minted.status !== 201) throw new Error(`join token: ${minted.status} ${JSON.stringify(minted.body)}`);
  const agents: FleetAgents['agents'] = [];
  for (const name of names) {
    const dir = mkdtempSync(join(tmpdir(), `omega-dash-${name}-`));
    // Sessions run as their own uid, with their working directory under the agent's data dir.
    chmodSync(dir, 0o755);
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ resources: { reportEverySec: 1 }, netprobe: { port: 0 }, dataDir: join(dir, 'data') }),
    );
    const proc = startAgent({
      args: ['--server', d.url, '--name', name, '--config', config, '--no-discovery'],
      env: { OMEGA_AGENT_JOIN_TOKEN: minted.body.token },
    });
    agents.push({ name, dir, proc });
  }
  for (const a of agents) await a.proc.waitLog((r) => r.msg === 'joined', 60_000);
  return {
    agents,
    async stop() {
      for (const a of agents) a.proc.kill('SIGKILL');
      await Promise.all(agents.map((a) => a.proc.exited));
      for (const a of agents) rmSync(a.dir, { recursive: true, force: true });
    },
  };
}
