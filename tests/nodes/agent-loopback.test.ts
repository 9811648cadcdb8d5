import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { type AgentProcess, startAgent } from './helpers/agent-process.js';

describe('a real agent process and a real kernel with the nodes plugin, over loopback', () => {
  let k: NodesKernel;
  const dirs: string[] = [];
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    k = await startNodesKernel({ config: { agents: { heartbeatMs: 500 } } });
  });
  afterAll(async () => {
    for (const a of agents) a.kill('SIGKILL');
    await Promise.all(agents.map((a) => a.exited));
    await k?.close();
    for (const d of dirs) removeDir(d); // with the `-work` dir the agent made beside it
  });

  it('joins with a token, heartbeats, resumes without one after a restart, and leaves on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'omega-agent-'));
    dirs.push(dataDir);
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 1 },
    });
    expect(minted.status).toBe(201);
    const token = minted.body.token as string;
    const a = startAgent({
      args: ['--server', k.url, '--name', 'alpha', '--data-dir', dataDir, '--log-level', 'debug'],
      env: { OMEGA_AGENT_JOIN_TOKEN: token },
    });
    agents.push(a);
    await a.waitLog((r) => r.msg === 'joined');
    const node = await until(async () => {
      const r = await api<Doc>(k, '/api/v1/nodes/alpha');
      return r.status === 200 && r.body.status.state === 'ready' && r.body.status.load ? r.body : undefined;
    }, 20_000);
    expect(node.status.specs.cpu.threads).toBeGreaterThan(0);
    expect(node.status.capacity.threads).toBe(node.status.specs.cpu.threads);
    a.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    await until(async () => (await api<Doc>(k, '/api/v1/nodes/alpha')).body.status.state === 'left', 10_000);

    const again = startAgent({ args: ['--name', 'alpha', '--data-dir', dataDir, '--log-level', 'debug'] });
    agents.push(again);
    await again.waitLog((r) => r.msg === 'connected');
    await until(async () => (await api<Doc>(k, '/api/v1/nodes/alpha')).body.status.state === 'ready', 20_000);
    const list = await api<Doc>(k, '/api/v1/nodes');
    expect(list.body.items ?? list.body.nodes).toHaveLength(1);
    again.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });
});
