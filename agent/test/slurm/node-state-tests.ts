import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { type ContractContext, ended, responsiveIdle } from './contract-context.js';
import { waitForJob, waitForNode } from './job-probes.js';

/** Slurm’s nodes and partitions through the driver: idle/mixed/allocated, Resources/Priority, drain with its reason, down with its jobs lost. */
export function nodeStateTests(t: ContractContext) {
  it('lists the partitions and the nodes with their Slurm state, CPUs, memory and GPUs', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
    const parts = await driver.partitions();
    expect(parts.map((p) => [p.name, p.nodes, p.maxTimeMinutes, p.isDefault, p.state])).toEqual([
      ['main', [cluster.nodeNames[0]], 60, true, 'up'],
      ['aux', [cluster.nodeNames[1]], 60, false, 'up'],
    ]);
    const n1 = await waitForNode(driver, cluster.nodeNames[0] as string, (n) => n.state === 'idle');
    expect(n1).toMatchObject({ reason: null, allocatedCpus: 0, gpus: 2, partitions: ['main'] });
    expect(n1.cpus).toBeGreaterThan(0);
    expect(n1.memoryMiB).toBeGreaterThan(0);
  });

  it('shows the node idle → mixed → allocated, a job pending with "Resources" then "Priority", and GPUs handed out', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
    const node = cluster.nodeNames[0] as string;
    await waitForNode(driver, node, responsiveIdle);
    const one = await t.submit({
      command: '/bin/sh',
      args: ['-c', 'echo "gpu=$CUDA_VISIBLE_DEVICES"; sleep 300'],
      cwd: cluster.jobDir,
      gpus: 1,
    });
    await waitForJob(driver, one, (s) => s.state === 'running');
    expect((await waitForNode(driver, node, (n) => n.state === 'mixed')).allocatedCpus).toBe(1);
    const two = await t.submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
    await waitForJob(driver, two, (s) => s.state === 'running');
    const full = await waitForNode(driver, node, (n) => n.state === 'allocated');
    expect(full.allocatedCpus).toBe(full.cpus);
    const waiting = await t.submit({ command: '/bin/true', cwd: cluster.jobDir });
    const behind = await t.submit({ command: '/bin/true', cwd: cluster.jobDir });
    expect(await waitForJob(driver, waiting, (s) => s.reason !== null)).toMatchObject({
      state: 'pending',
      reason: 'Resources',
    });
    expect(await waitForJob(driver, behind, (s) => s.reason !== null)).toMatchObject({
      state: 'pending',
      reason: 'Priority',
    });
    expect((await driver.logs(one)).data.toString()).toMatch(/^gpu=\d\n$/);
    await driver.cancel(two);
    expect((await waitForJob(driver, waiting, ended)).state).toBe('completed');
  });

  it('shows a drain with its reason (draining, then drained) and a job pending on it, then resume', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
    const node = cluster.nodeNames[0] as string;
    const reason = `omega test maintenance ${randomBytes(3).toString('hex')}`;
    await waitForNode(driver, node, responsiveIdle);
    const job = await t.submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
    await waitForJob(driver, job, (s) => s.state === 'running');
    await cluster.slurm('scontrol', ['update', `nodename=${node}`, 'state=drain', `reason=${reason}`]);
    try {
      const draining = await waitForNode(driver, node, (n) => n.state === 'draining');
      expect(draining).toMatchObject({
        reason,
        reasonSetBy: 'root',
        flags: expect.arrayContaining(['DRAIN']),
      });
      expect(draining.reasonTime).not.toBeNull();
      await driver.cancel(job);
      expect(await waitForNode(driver, node, (n) => n.state === 'drained')).toMatchObject({
        reason,
        slurmState: 'idle',
      });
      const queued = await t.submit({ command: '/bin/true', cwd: cluster.jobDir });
      const pending = await waitForJob(driver, queued, (s) => s.reason !== null);
      expect(pending.state).toBe('pending');
      expect(pending.reason).toMatch(/ReqNodeNotAvail|Resources/);
      await cluster.slurm('scontrol', ['update', `nodename=${node}`, 'state=resume']);
      expect((await waitForJob(driver, queued, ended)).state).toBe('completed');
      expect(await waitForNode(driver, node, responsiveIdle)).toMatchObject({ reason: null });
    } finally {
      const n = (await driver.nodes()).find((x) => x.name === node);
      if (n?.flags.includes('DRAIN'))
        await cluster.slurm('scontrol', ['update', `nodename=${node}`, 'state=resume']);
    }
  });

  it('reports the jobs of a node set down as lost and the node down with its reason', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
    const node = cluster.nodeNames[0] as string;
    await waitForNode(driver, node, responsiveIdle);
    const job = await t.submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
    await waitForJob(driver, job, (s) => s.state === 'running');
    await cluster.slurm('scontrol', [
      'update',
      `nodename=${node}`,
      'state=down',
      'reason=omega test power cut',
    ]);
    try {
      expect(await waitForNode(driver, node, (n) => n.state === 'down')).toMatchObject({
        reason: 'omega test power cut',
      });
      expect(await waitForJob(driver, job, ended)).toMatchObject({
        state: 'lost',
        slurmState: 'NODE_FAIL',
      });
    } finally {
      await cluster.slurm('scontrol', ['update', `nodename=${node}`, 'state=resume']);
    }
    await waitForNode(driver, node, responsiveIdle);
  });
}
