import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileBinary } from '../../agent/test/exec/exec-harness.js';
import { useSlurmCluster } from '../../agent/test/slurm/use-slurm-cluster.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  readLogs,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from './helpers/sessions-cluster.js';

/**
 * Sessions that target a Slurm partition, end to end through the API: a real agent configured
 * as a submit host (cli mode) drives a real single-node Slurm that the test starts.
 */
describe('sessions on Slurm, through the API and a submit-host agent', () => {
  const cluster = useSlurmCluster({ nodes: 1, partitions: [{ name: 'debug', nodes: [0], isDefault: true }] });
  let k: NodesKernel | undefined;
  let node: TestNode | undefined;
  let cpus = 0;
  afterAll(async () => {
    if (k) await cancelAll(k).catch(() => {});
    if (node) await stopNode(node);
    await k?.close();
  }, 90_000);

  /** The kernel and the submit host, started once for the suite (inside the first test: it needs the cluster). */
  async function setup(c: ReturnType<typeof cluster>): Promise<NodesKernel> {
    if (k) return k;
    k = await startSessionsKernel();
    const config = join(c.dir, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        slurm: {
          mode: 'cli',
          user: c.jobUser,
          conf: c.confPath,
          workDir: c.jobDir,
          pollMs: 300,
          nodesEverySec: 5,
        },
      }),
    );
    node = await startNode(k, 'login1', { args: ['--config', config] });
    const host = await until(async () => {
      const r = await api<Doc>(k!, '/api/v1/sessions/slurm');
      return (r.body.hosts as Doc[])[0];
    }, 30_000);
    expect(host.name).toBe('login1');
    expect(host.partitions.map((p: Doc) => p.name)).toEqual(['debug']);
    expect(host.nodes[0].state).toBe('idle');
    cpus = host.nodes[0].cpus as number;
    // The nodes plugin mirrors the same report: Slurm's node in the registry, read-only.
    const slurmNode = await until(async () => {
      const r = await api<Doc>(k!, '/api/v1/nodes?selector=source%3Dslurm');
      return (r.body.items as Doc[]).find((n) => n.status.slurm?.name === host.nodes[0].name);
    }, 30_000);
    expect(slurmNode.status).toMatchObject({
      state: 'ready',
      reason: 'Slurm: idle',
      managedBy: 'slurm',
      schedulable: false,
      capacity: { cores: cpus },
    });
    expect(slurmNode.spec.labels).toEqual({ source: 'slurm', partition: 'debug' });
    const cordon = await api<Doc>(k!, `/api/v1/nodes/${slurmNode.id}/cordon`, {
      method: 'POST',
      body: { reason: 'try' },
    });
    expect([cordon.status, cordon.body.code]).toEqual([409, 'NODES_ERR_SLURM_MANAGED']);
    return k;
  }

  const slurm = (c: ReturnType<typeof cluster>, body: Record<string, unknown>) => ({
    target: { kind: 'slurm', partition: 'debug' },
    cwd: c.jobDir,
    ...body,
  });

  it('submits, runs, suspends, resumes and cancels a job; its output is the session’s logs', async (ctx) => {
    const c = cluster(ctx);
    const kk = await setup(c);
    const r = await createSession(
      kk,
      slurm(c, { script: 'echo hello from slurm; sleep 300', resources: { cores: 1, memory: '100M' } }),
    );
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    const running = await waitSession(kk, id, (s) => s.status.state === 'running', 60_000);
    expect(running.status.slurm.jobId).toMatch(/^\d+$/);
    expect(running.status.reason).toBe(
      `running on Slurm job ${running.status.slurm.jobId} on ${c.nodeNames[0]}`,
    );
    expect(running.status.placement.nodeName).toBe('login1');
    await until(async () => (await readLogs(kk, id)).toString() === 'hello from slurm\n', 30_000);

    const paused = await api<Doc>(kk, `/api/v1/sessions/${id}/pause`, { method: 'POST' });
    expect(paused.body.status.state).toBe('paused');
    expect(paused.body.status.slurm.state).toBe('SUSPENDED');
    const resumed = await api<Doc>(kk, `/api/v1/sessions/${id}/resume`, { method: 'POST' });
    expect(resumed.body.status.state).toBe('running');
    await api(kk, `/api/v1/sessions/${id}/terminate`, { method: 'POST', body: { reason: 'done' } });
    const end = await waitSession(kk, id, (s) => s.status.state === 'cancelled', 60_000);
    expect(end.status.reason).toBe('cancelled by admin: done');
    expect(end.status.slurm.state).toBe('CANCELLED');
  }, 240_000);

  it('reports completion, failure with the exit code, and an OOM kill', async (ctx) => {
    const c = cluster(ctx);
    const kk = await setup(c);
    const bin = await hostileBinary();
    const ok = (await createSession(kk, slurm(c, { command: '/bin/true' }))).body.id as string;
    const bad = (await createSession(kk, slurm(c, { script: 'exit 3' }))).body.id as string;
    const oom = (
      await createSession(
        kk,
        slurm(c, { command: bin, args: ['leak', String(4 << 20), '20'], resources: { memory: '64M' } }),
      )
    ).body.id as string;
    expect((await waitSession(kk, ok, (s) => s.status.state === 'completed', 90_000)).status.reason).toBe(
      'exited with code 0',
    );
    expect((await waitSession(kk, bad, (s) => s.status.state === 'failed', 90_000)).status.reason).toBe(
      'exited with code 3',
    );
    const o = await waitSession(kk, oom, (s) => s.status.state === 'oom-killed', 120_000);
    expect(o.status.slurm.state).toBe('OUT_OF_MEMORY');
  }, 300_000);

  it('waits with Slurm’s reason while the partition is full', async (ctx) => {
    const c = cluster(ctx);
    const kk = await setup(c);
    const big = (
      await createSession(
        kk,
        slurm(c, { command: '/bin/sleep', args: ['300'], resources: { cores: cpus, memory: '100M' } }),
      )
    ).body.id as string;
    await waitSession(kk, big, (s) => s.status.state === 'running', 60_000);
    const next = (
      await createSession(kk, slurm(c, { command: '/bin/true', resources: { cores: 1, memory: '100M' } }))
    ).body.id as string;
    const waiting = await waitSession(
      kk,
      next,
      // Slurm gives a just-submitted job its reason at its next scheduling cycle.
      (s) => s.status.state === 'pending' && !!s.status.slurm?.reason,
      60_000,
    );
    expect(waiting.status.reason).toMatch(/^Slurm job \d+ is pending: (Resources|Priority)$/);
    await api(kk, `/api/v1/sessions/${big}/terminate`, { method: 'POST', body: { graceMs: 0 } });
    await waitSession(kk, next, (s) => s.status.state === 'completed', 120_000);
  }, 300_000);
});
