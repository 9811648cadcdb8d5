import { afterAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, startNodesKernel, until } from './helpers/nodes-kernel.js';
import { newIdentity, ProtocolAgent } from './helpers/protocol-agent.js';

/*
 * The plugin held up (its host process stopped with SIGSTOP, as a starved or busy host is)
 * while real agents keep heartbeating into a real kernel: the kernel queues their frames and
 * tells the plugin how far behind it is; no node may be judged for that time.
 */

const HB = 300;
let k: NodesKernel | undefined;
const agents: ProtocolAgent[] = [];
let stopped: number | undefined;

afterAll(async () => {
  if (stopped) process.kill(stopped, 'SIGCONT');
  for (const a of agents) a.close();
  await k?.close();
});

describe('the kernel or the plugin behind', () => {
  it('a plugin host held past downAfterMs: heartbeats wait in the kernel, no node is marked suspect or down', async () => {
    k = await startNodesKernel({ config: { agents: { heartbeatMs: HB } } });
    await api(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { suspectAfterMs: 1_500, downAfterMs: 3_000 },
    });
    const tok = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 5 } })).body;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = new ProtocolAgent({
        url: k.url,
        identity: newIdentity(),
        name: `held-${i}`,
        token: tok.token,
      });
      agents.push(a);
      const o = await a.connect();
      if (!o.ok) throw new Error('join');
      ids.push(o.node);
      a.startHeartbeats(HB, () => ({ cpu: 0.5 }));
    }
    for (const id of ids)
      await until(async () => (await api<Doc>(k!, `/api/v1/nodes/${id}`)).body.status.state === 'ready');
    const pid = (await api<Doc>(k, '/api/v1/plugins/nodes')).body.runtime?.pid as number | undefined;
    if (!pid) throw new Error('the nodes plugin host has no pid');
    const heldAt = Date.now();
    // Held 4 s: past downAfterMs (3 s), short of the 5 s the plugin takes for a stall of its own.
    process.kill(pid, 'SIGSTOP');
    stopped = pid;
    await new Promise((r) => setTimeout(r, 4_000));
    process.kill(pid, 'SIGCONT');
    stopped = undefined;
    // Two suspect bounds more for any misjudgment to show.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const id of ids) {
      const n = (await api<Doc>(k, `/api/v1/nodes/${id}`)).body;
      expect(n.status.state, id).toBe('ready');
      const h = (await api<Doc>(k, `/api/v1/nodes/${id}/history?limit=200`)).body.items as Doc[];
      expect(h.filter((x) => Date.parse(x.at) >= heldAt && x.state !== 'ready')).toEqual([]);
    }
    const gateway = (await api<Doc>(k, '/api/v1/nodes/settings')).body.status.gateway;
    // The plugin saw the kernel's lag (the held deliveries), or a tick of its own held past two.
    expect(gateway.kernelLagMaxMs >= 3_000 || gateway.heldTicks >= 1).toBe(true);
  });
});
