import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  METRICS_DIR,
  type NodesKernel,
  startNodesKernel,
  until,
} from './helpers/nodes-kernel.js';
import { newIdentity, ProtocolAgent } from './helpers/protocol-agent.js';

/*
 * The cluster in the metrics plugin: real agents heartbeat their load through the real gateway
 * into the nodes plugin, which publishes nodes.load; the real metrics plugin (its default
 * grants) records them as series keyed by node, so /query and the Prometheus exposition cover
 * the remote nodes beside the kernel's own host.
 */

let k: NodesKernel;
const agents: ProtocolAgent[] = [];

beforeAll(async () => {
  k = await startNodesKernel({ with: [METRICS_DIR], config: { agents: { heartbeatMs: 250 } } });
  await api(k, '/api/v1/nodes/settings', { method: 'PUT', body: { loadPublishMs: 1_000 } });
  const token = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 2 } })).body.token;
  for (const [i, name] of ['gpu-1', 'cpu-2'].entries()) {
    const a = new ProtocolAgent({ url: k.url, identity: newIdentity(), name, token });
    if (!(await a.connect()).ok) throw new Error('join failed');
    a.startHeartbeats(250, () => ({
      cpu: 0.25 * (i + 1),
      load1: 1 + i,
      memUsed: 2e9,
      memTotal: 8e9,
      netRxBps: 1000,
      ...(name === 'gpu-1' ? { gpus: [{ index: 0, util: 0.75, memUsed: 4e9, memTotal: 16e9 }] } : {}),
    }));
    agents.push(a);
  }
});
afterAll(async () => {
  for (const a of agents) a.close();
  await k?.close();
});

describe('remote nodes in the metrics plugin', () => {
  it('/query covers every node: one selector, the host and the remote nodes', async () => {
    const q = await until(async () => {
      const r = (await api<Doc>(k, '/api/v1/metrics/query?series=cpu.busy{cpu="total"}&from=now-5m')).body;
      return (
        r.results?.length >= 3 &&
        r.results.every((x: Doc) => x.points.some(([, v]: [number, number | null]) => v !== null)) &&
        r
      );
    }, 20_000);
    const byNode = Object.fromEntries(q.results.map((x: Doc) => [x.node, x]));
    expect(Object.keys(byNode)).toEqual(expect.arrayContaining(['gpu-1', 'cpu-2']));
    const last = (node: string) =>
      byNode[node].points.filter(([, v]: [number, number | null]) => v !== null).at(-1)[1];
    expect(last('gpu-1')).toBeCloseTo(0.25);
    expect(last('cpu-2')).toBeCloseTo(0.5);
    const gpu = (await api<Doc>(k, '/api/v1/metrics/query?series=gpu.utilization{node="gpu-1"}&from=now-5m'))
      .body;
    expect(gpu.results[0].labels).toEqual({ node: 'gpu-1', gpu: '0' });
    const series = (await api<Doc>(k, '/api/v1/metrics/series?node=cpu-2')).body;
    expect(series.items.map((s: Doc) => s.name).sort()).toEqual([
      'cpu.busy',
      'load.1',
      'memory.used',
      'net.rx_bytes',
    ]);
    expect(series.collector.remoteSeries).toBe(series.items.length + 6);
  });

  it('the Prometheus exposition and /latest include the remote nodes', async () => {
    const res = await k.api('/api/v1/metrics/prometheus');
    const text = await res.text();
    expect(text).toMatch(/^node_load1\{node="gpu-1"\} 1$/m);
    expect(text).toMatch(/^node_load1\{node="cpu-2"\} 2$/m);
    expect(text).toMatch(/^omega_gpu_utilization_ratio\{node="gpu-1",gpu="0"\} 0\.75$/m);
    expect(text).toMatch(/^node_memory_MemAvailable_bytes\{node="cpu-2"\} 6000000000$/m);
    for (const family of ['node_load1', 'omega_gpu_utilization_ratio', 'node_memory_MemTotal_bytes'])
      expect(text.match(new RegExp(`^# TYPE ${family} `, 'gm'))).toHaveLength(1);
    const latest = (await api<Doc>(k, '/api/v1/metrics/latest?node=gpu-1')).body;
    expect(latest.nodes[0]).toMatchObject({ node: 'gpu-1', load: { cpu: 0.25, load1: 1 } });
  });
});
