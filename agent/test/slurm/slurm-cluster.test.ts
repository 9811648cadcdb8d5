import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from './cluster/marked-processes.js';
import { sleep } from './job-probes.js';
import { type SlurmCluster, slurmUnavailableReason, startSlurmCluster } from './slurm-cluster.js';
import { CLUSTER_START_TIMEOUT_MS } from './use-slurm-cluster.js';

/** The job's freezer cgroup (cgroup v1), where slurmstepd puts every process of the job. */
const jobCgroup = (c: SlurmCluster, jobId: string) =>
  `/sys/fs/cgroup/freezer/slurm/uid_${c.jobUid}/job_${jobId}`;

async function startJob(c: SlurmCluster, partition: string): Promise<string> {
  const r = await c.slurm(
    'sbatch',
    [
      '--parsable',
      `--uid=${c.jobUser}`,
      `--gid=${c.jobUser}`,
      `--partition=${partition}`,
      `--chdir=${c.jobDir}`,
      '--output=/dev/null',
    ],
    '#!/bin/sh\nsleep 600\n',
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

async function jobState(c: SlurmCluster, jobId: string): Promise<string> {
  return (await c.slurm('squeue', ['-h', '-t', 'all', '-j', jobId, '-o', '%T'])).stdout.trim();
}

async function waitState(c: SlurmCluster, jobId: string, state: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await jobState(c, jobId)) === state) return;
    await sleep(100);
  }
  throw new Error(`job ${jobId} never reached ${state} (now ${await jobState(c, jobId)})`);
}

describe('the Slurm test substrate', () => {
  let skip: string | null = null;
  const clusters: SlurmCluster[] = [];

  beforeAll(async () => {
    skip = await slurmUnavailableReason();
    if (skip !== null) process.stderr.write(`[slurm] SKIPPED: ${skip}\n`);
  }, CLUSTER_START_TIMEOUT_MS);
  afterAll(async () => {
    for (const c of clusters) await c.stop();
  }, 120_000);

  it('runs two clusters side by side, and stopping one leaves no process, job cgroup or file of it behind while the other keeps running', async (ctx) => {
    if (skip !== null) ctx.skip(`Slurm unavailable: ${skip}`);
    const [a, b] = (await Promise.all([
      startSlurmCluster({ nodes: 2 }),
      startSlurmCluster({ nodes: 1, partitions: [{ name: 'other', nodes: [0] }] }),
    ])) as [SlurmCluster, SlurmCluster];
    clusters.push(a, b);

    // nothing shared: directory, names, ports, job id range, munge socket
    const confA = readFileSync(a.confPath, 'utf8');
    const confB = readFileSync(b.confPath, 'utf8');
    const ports = (conf: string) => [...conf.matchAll(/(?:Port|SlurmctldPort)=(\d+)/g)].map((m) => m[1]);
    expect(a.dir).not.toBe(b.dir);
    expect(a.restUrl).not.toBe(b.restUrl);
    expect(a.nodeNames.filter((n) => b.nodeNames.includes(n))).toEqual([]);
    expect(ports(confA).filter((p) => ports(confB).includes(p))).toEqual([]);
    expect(Math.abs(a.firstJobId - b.firstJobId)).toBeGreaterThanOrEqual(100_000);
    expect(confA).toContain(`AuthInfo=socket=${a.dir}/munge/munge.sock`);

    // each runs its own jobs, from its own id range, invisible to the other
    const [ja, jaSuspended, jb] = [
      await startJob(a, 'debug'),
      await startJob(a, 'debug'),
      await startJob(b, 'other'),
    ] as [string, string, string];
    await Promise.all([
      waitState(a, ja, 'RUNNING'),
      waitState(a, jaSuspended, 'RUNNING'),
      waitState(b, jb, 'RUNNING'),
    ]);
    expect(Number(ja)).toBeGreaterThanOrEqual(a.firstJobId);
    expect(Number(jb)).toBeGreaterThanOrEqual(b.firstJobId);
    expect((await a.slurm('squeue', ['-h', '-o', '%i'])).stdout.split('\n')).not.toContain(jb);
    expect((await b.slurm('squeue', ['-h', '-o', '%i'])).stdout.split('\n')).not.toContain(ja);
    expect((await a.slurm('scontrol', ['suspend', jaSuspended])).code).toBe(0);
    await waitState(a, jaSuspended, 'SUSPENDED');

    const cgroupsKnown = existsSync('/sys/fs/cgroup/freezer/slurm');
    if (cgroupsKnown) {
      for (const [c, id] of [
        [a, ja],
        [a, jaSuspended],
        [b, jb],
      ] as const) {
        expect(existsSync(jobCgroup(c, id)), `cgroup of job ${id}`).toBe(true);
      }
    }
    const procsA = a.processes();
    const daemonPidsA = a.daemons.map((d) => d.pid);
    expect(procsA).toEqual(expect.arrayContaining(daemonPidsA));
    expect(procsA.length).toBeGreaterThan(daemonPidsA.length); // the slurmstepds carry the mark too
    expect(procsA.filter((p) => b.processes().includes(p))).toEqual([]);

    await a.stop();
    expect(a.processes()).toEqual([]);
    for (const pid of procsA) expect(isAlive(pid), `pid ${pid} of cluster ${a.id}`).toBe(false);
    expect(existsSync(a.dir)).toBe(false);
    if (cgroupsKnown) {
      expect(existsSync(jobCgroup(a, ja))).toBe(false);
      expect(existsSync(jobCgroup(a, jaSuspended))).toBe(false);
      expect(existsSync(jobCgroup(b, jb))).toBe(true);
    }

    // the other cluster did not notice
    expect(await jobState(b, jb)).toBe('RUNNING');
    const node = await b.slurm('sinfo', ['-h', '-N', '-o', '%N %T']);
    expect(node.stdout.trim()).toBe(`${b.nodeNames[0]} mixed`); // its one-core job on a two-core node
    const procsB = b.processes();
    await b.stop();
    expect(b.processes()).toEqual([]);
    for (const pid of procsB) expect(isAlive(pid), `pid ${pid} of cluster ${b.id}`).toBe(false);
    expect(existsSync(b.dir)).toBe(false);
    if (cgroupsKnown) expect(existsSync(jobCgroup(b, jb))).toBe(false);
  }, 180_000);
});
