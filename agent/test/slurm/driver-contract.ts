import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { createSlurmDriver, type SlurmDriver, type SlurmDriverOptions } from '../../src/slurm/index.js';
import { cpuTicks, jobPids, processStates, sleep, waitForJob, waitForNode } from './job-probes.js';
import type { SlurmCluster } from './slurm-cluster.js';

/** The cluster every driver suite runs on: `main` (node 1) for the tests, `aux` (node 2) for the time-limit job. */
export const CONTRACT_CLUSTER = {
  nodes: 2,
  partitions: [
    { name: 'main', nodes: [0], isDefault: true },
    { name: 'aux', nodes: [1] },
  ],
  gpusPerNode: 2,
};

/** Driver options for `mode` against `cluster`. */
export function driverOptions(mode: 'rest' | 'cli', cluster: SlurmCluster): SlurmDriverOptions {
  const common = { user: cluster.jobUser, slurmEnv: cluster.env, partition: 'main' };
  return mode === 'rest'
    ? { mode, restUrl: cluster.restUrl, jwtKeyFile: cluster.jwtKeyFile, ...common }
    : { mode, ...common };
}

/**
 * The ids of the cluster's queued or running jobs, sorted. (A submission slurmctld refuses can
 * stay in its list as FAILED/BadConstraints until MinJobAge, with no job id handed out.)
 */
async function liveJobIds(cluster: SlurmCluster): Promise<string[]> {
  const r = await cluster.slurm('squeue', ['-h', '-t', 'PD,R,S,ST,CG,CF', '-o', '%i']);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** Idle and answering slurmctld's pings: a job placed on it now launches (else Slurm requeues it with BeginTime). */
const responsiveIdle = (n: { state: string; flags: string[] }) =>
  n.state === 'idle' && !n.flags.includes('NOT_RESPONDING');

const ended = (s: { state: string }) => !['pending', 'running', 'paused'].includes(s.state);

/** Every byte value, then multi-byte UTF-8: what a job prints and `logs` must give back exactly. */
const EXPECTED_BYTES = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('héllo ✓ 日本語 — no newline at the end', 'utf8'),
]);
/** A printf format that prints EXPECTED_BYTES (octal escapes for the binary part). */
const PRINTF_FORMAT = `${Array.from({ length: 256 }, (_, i) => `\\${i.toString(8).padStart(3, '0')}`).join('')}héllo ✓ 日本語 — no newline at the end`;

/**
 * The end-to-end behaviour every mode of the driver must show against a real Slurm: one
 * suite per mode, each on its own private cluster.
 */
export function describeDriverContract(
  mode: 'rest' | 'cli',
  clusterFor: (ctx: TestContext) => SlurmCluster,
  extra?: (clusterFor: (ctx: TestContext) => SlurmCluster) => void,
) {
  describe(`Slurm driver, ${mode} mode, against a real Slurm 22.05`, () => {
    let cluster: SlurmCluster;
    let driver: SlurmDriver;
    const mine = new Set<string>();

    const setup = (ctx: TestContext) => {
      cluster = clusterFor(ctx);
      driver ??= createSlurmDriver(driverOptions(mode, cluster));
      return { cluster, driver };
    };
    const submit = async (spec: Parameters<SlurmDriver['submit']>[0]) => {
      const { jobId } = await driver.submit(spec);
      mine.add(jobId);
      return jobId;
    };

    afterEach(async () => {
      for (const id of mine) await driver?.cancel(id).catch(() => {});
      mine.clear();
    });

    it('lists the partitions and the nodes with their Slurm state, CPUs, memory and GPUs', async (ctx) => {
      setup(ctx);
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

    it('runs a command to completion with exit code 0 and gives its output back byte for byte', async (ctx) => {
      setup(ctx);
      const jobId = await submit({
        command: '/usr/bin/printf',
        args: [PRINTF_FORMAT],
        cwd: cluster.jobDir,
        name: 'bytes',
      });
      const s = await waitForJob(driver, jobId, ended);
      expect(s).toMatchObject({
        state: 'completed',
        slurmState: 'COMPLETED',
        exitCode: 0,
        signal: null,
        name: 'bytes',
      });
      expect(s.nodes).toEqual([cluster.nodeNames[0]]);
      expect(s.startTime).not.toBeNull();
      expect(s.endTime).not.toBeNull();
      const whole = await driver.logs(jobId);
      expect(whole.data.equals(EXPECTED_BYTES)).toBe(true);
      expect(whole).toMatchObject({
        offset: 0,
        nextOffset: EXPECTED_BYTES.length,
        size: EXPECTED_BYTES.length,
        eof: true,
      });
      const parts: Buffer[] = [];
      for (let offset = 0, eof = false; !eof; ) {
        const chunk = await driver.logs(jobId, { offset, limit: 100 });
        parts.push(chunk.data);
        offset = chunk.nextOffset;
        eof = chunk.eof;
      }
      expect(Buffer.concat(parts).equals(EXPECTED_BYTES)).toBe(true);
      const past = await driver.logs(jobId, { offset: 10_000 });
      expect(past).toMatchObject({ nextOffset: 10_000, eof: true });
      expect(past.data.length).toBe(0);
    });

    it('reports a non-zero exit as failed with its exit code, and a signal death with its signal', async (ctx) => {
      setup(ctx);
      const exit3 = await submit({
        command: '/bin/sh',
        args: ['-c', 'printf oops >&2; exit 3'],
        cwd: cluster.jobDir,
      });
      const killed = await submit({ command: '/bin/sh', args: ['-c', 'kill -TERM $$'], cwd: cluster.jobDir });
      const a = await waitForJob(driver, exit3, ended);
      expect(a).toMatchObject({
        state: 'failed',
        slurmState: 'FAILED',
        exitCode: 3,
        signal: null,
        reason: 'NonZeroExitCode',
      });
      expect((await driver.logs(exit3, { stream: 'stderr' })).data.toString()).toBe('oops');
      const b = await waitForJob(driver, killed, ended);
      expect(b).toMatchObject({ state: 'failed', exitCode: null, signal: 15 });
    });

    it('passes the environment exactly and nothing of the agent’s own', async (ctx) => {
      setup(ctx);
      const value = 'a=b,c\nd é "q" $HOME `x` \\ %s';
      process.env.OMEGA_AGENT_SECRET = 'agent-only-value';
      try {
        const jobId = await submit({
          command: '/bin/sh',
          args: ['-c', 'printf %s "$V"; env >&2'],
          env: { V: value },
          cwd: cluster.jobDir,
        });
        expect((await waitForJob(driver, jobId, ended)).state).toBe('completed');
        expect((await driver.logs(jobId)).data.toString('utf8')).toBe(value);
        const env = (await driver.logs(jobId, { stream: 'stderr' })).data.toString('utf8');
        expect(env).toContain('PATH=/usr/local/bin:/usr/bin:/bin\n');
        expect(env).not.toContain('OMEGA_AGENT_SECRET');
        expect(env).not.toContain('agent-only-value');
      } finally {
        delete process.env.OMEGA_AGENT_SECRET;
      }
    });

    it('takes resources from the spec only: #SBATCH lines in a script are not honoured', async (ctx) => {
      setup(ctx);
      const jobId = await submit({
        script:
          '#!/bin/sh\n#SBATCH --partition=aux\n#SBATCH --job-name=evil\n#SLURM --cpus-per-task=2\necho "$SLURM_JOB_PARTITION $SLURM_JOB_NAME $(nproc) $(id -un)"\n',
        cwd: cluster.jobDir,
        name: 'scripted',
      });
      const s = await waitForJob(driver, jobId, ended);
      expect(s).toMatchObject({ state: 'completed', partition: 'main', name: 'scripted' });
      expect((await driver.logs(jobId)).data.toString()).toBe(`main scripted 1 ${cluster.jobUser}\n`);
    });

    it('pauses a job (its processes get no CPU, measured from /proc) and resumes it', async (ctx) => {
      setup(ctx);
      const jobId = await submit({
        command: '/bin/sh',
        args: ['-c', 'while :; do :; done'],
        cwd: cluster.jobDir,
      });
      await waitForJob(driver, jobId, (s) => s.state === 'running');
      // RUNNING is slurmctld's word; slurmstepd starts the script a moment later
      let pids: number[] = [];
      for (let i = 0; i < 100 && pids.length === 0; i++) {
        pids = await jobPids(cluster, jobId, cluster.nodeNames[0] as string);
        if (pids.length === 0) await sleep(100);
      }
      expect(pids.length).toBeGreaterThan(0);
      const ticksOver = async (ms: number) => {
        const t0 = cpuTicks(pids);
        await sleep(ms);
        return cpuTicks(pids) - t0;
      };
      const running = await ticksOver(1000);

      await driver.suspend(jobId);
      expect((await waitForJob(driver, jobId, (s) => s.state !== 'running')).state).toBe('paused');
      // slurmctld reports SUSPENDED before slurmd has frozen every task: wait until none is runnable
      for (let i = 0; i < 100 && processStates(pids).some((st) => st === 'R'); i++) await sleep(50);
      const paused = await ticksOver(1000);

      await driver.resume(jobId);
      expect((await waitForJob(driver, jobId, (s) => s.state !== 'paused')).state).toBe('running');
      const resumed = await ticksOver(1000);

      expect(paused).toBe(0);
      expect(running).toBeGreaterThan(paused);
      expect(resumed).toBeGreaterThan(paused);
      await expect(driver.resume(jobId)).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_JOB_STATE' });
    });

    it('cancels a running job and a pending one; cancelling a finished job is a no-op', async (ctx) => {
      setup(ctx);
      const run = await submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
      await waitForJob(driver, run, (s) => s.state === 'running');
      const held = await submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir, cores: 2 });
      await driver.cancel(run);
      await driver.cancel(held);
      expect(await waitForJob(driver, run, ended)).toMatchObject({
        state: 'cancelled',
        slurmState: 'CANCELLED',
      });
      expect(await waitForJob(driver, held, ended)).toMatchObject({ state: 'cancelled' });
      await driver.cancel(run);
      expect((await driver.status(run)).state).toBe('cancelled');
      await expect(driver.suspend(run)).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_JOB_STATE' });
    });

    it('reports a job over its --mem as oom-killed', async (ctx) => {
      setup(ctx);
      const jobId = await submit({
        command: '/bin/sh',
        args: ['-c', 'head -c 600M /dev/zero | tail'],
        cwd: cluster.jobDir,
        memoryMiB: 64,
      });
      expect(await waitForJob(driver, jobId, ended)).toMatchObject({
        state: 'oom-killed',
        slurmState: 'OUT_OF_MEMORY',
        reason: 'OutOfMemory',
      });
    });

    it('refuses impossible requests at submit with Slurm’s reason (EnforcePartLimits) and queues nothing', async (ctx) => {
      setup(ctx);
      const before = await liveJobIds(cluster);
      const cases: [Parameters<SlurmDriver['submit']>[0], RegExp][] = [
        [
          { command: '/bin/true', cwd: cluster.jobDir, cores: 64 },
          /More processors requested than permitted/,
        ],
        [{ command: '/bin/true', cwd: cluster.jobDir, timeLimitMinutes: 600 }, /time limit/i],
        [
          { command: '/bin/true', cwd: cluster.jobDir, memoryMiB: 10_000_000 },
          /node configuration is not available|Memory/i,
        ],
        [{ command: '/bin/true', cwd: cluster.jobDir, gpus: 3 }, /node configuration is not available|gres/i],
        [{ command: '/bin/true', cwd: cluster.jobDir, partition: 'nosuch' }, /invalid partition/i],
      ];
      for (const [spec, why] of cases) {
        const e = await driver.submit(spec).then(
          () => null,
          (err: unknown) => err,
        );
        expect(e, JSON.stringify(spec)).toMatchObject({ code: 'OMEGA_ERR_SLURM_REFUSED' });
        expect(String((e as { extras: { slurmError: unknown } }).extras.slurmError)).toMatch(why);
      }
      expect(await liveJobIds(cluster)).toEqual(before);
    });

    it('shows the node idle → mixed → allocated, a job pending with "Resources" then "Priority", and GPUs handed out', async (ctx) => {
      setup(ctx);
      const node = cluster.nodeNames[0] as string;
      await waitForNode(driver, node, responsiveIdle);
      const one = await submit({
        command: '/bin/sh',
        args: ['-c', 'echo "gpu=$CUDA_VISIBLE_DEVICES"; sleep 300'],
        cwd: cluster.jobDir,
        gpus: 1,
      });
      await waitForJob(driver, one, (s) => s.state === 'running');
      expect((await waitForNode(driver, node, (n) => n.state === 'mixed')).allocatedCpus).toBe(1);
      const two = await submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
      await waitForJob(driver, two, (s) => s.state === 'running');
      const full = await waitForNode(driver, node, (n) => n.state === 'allocated');
      expect(full.allocatedCpus).toBe(full.cpus);
      const waiting = await submit({ command: '/bin/true', cwd: cluster.jobDir });
      const behind = await submit({ command: '/bin/true', cwd: cluster.jobDir });
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
      setup(ctx);
      const node = cluster.nodeNames[0] as string;
      const reason = `omega test maintenance ${randomBytes(3).toString('hex')}`;
      await waitForNode(driver, node, responsiveIdle);
      const job = await submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
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
        const queued = await submit({ command: '/bin/true', cwd: cluster.jobDir });
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
      setup(ctx);
      const node = cluster.nodeNames[0] as string;
      await waitForNode(driver, node, responsiveIdle);
      const job = await submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
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

    it('watches the user’s jobs: the list first, then each change, until undone', async (ctx) => {
      setup(ctx);
      const seen: string[] = [];
      const errors: Error[] = [];
      let jobId = '';
      const stop = driver.watch(
        (c) => {
          if (c.jobId === jobId) seen.push(c.status.state);
        },
        { intervalMs: 200, onError: (e) => errors.push(e) },
      );
      try {
        jobId = await submit({ command: '/bin/sleep', args: ['2'], cwd: cluster.jobDir });
        const deadline = Date.now() + 45_000;
        while (!seen.includes('completed') && Date.now() < deadline) await sleep(100);
      } finally {
        stop();
      }
      expect(errors).toEqual([]);
      expect(seen.at(-1)).toBe('completed');
      expect(seen).toContain('running');
      const count = seen.length;
      await sleep(600);
      expect(seen.length).toBe(count);
    });

    it('touches only its user’s jobs', async (ctx) => {
      setup(ctx);
      const r = await cluster.slurm(
        'sbatch',
        ['--parsable', '--partition=main', `--chdir=${cluster.dir}`, '--output=/dev/null'],
        '#!/bin/sh\nsleep 300\n',
      );
      const rootJob = r.stdout.trim();
      expect(rootJob).toMatch(/^\d+$/);
      try {
        for (const call of [
          () => driver.status(rootJob),
          () => driver.cancel(rootJob),
          () => driver.suspend(rootJob),
          () => driver.logs(rootJob),
        ]) {
          await expect(call()).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_NOT_OWNER' });
        }
        const still = await cluster.slurm('squeue', ['-h', '-j', rootJob, '-o', '%T']);
        expect(still.stdout.trim()).toMatch(/PENDING|RUNNING/);
      } finally {
        await cluster.slurm('scancel', [rootJob]);
      }
    });

    it('refuses to read an output file the job swapped for a symlink or a FIFO', async (ctx) => {
      setup(ctx);
      const link = await submit({
        command: '/bin/sh',
        args: ['-c', 'f="$PWD/omega-$SLURM_JOB_ID.out"; rm -f "$f"; ln -s /etc/shadow "$f"'],
        cwd: cluster.jobDir,
      });
      const fifo = await submit({
        command: '/bin/sh',
        args: ['-c', 'f="$PWD/omega-$SLURM_JOB_ID.out"; rm -f "$f"; mkfifo "$f"'],
        cwd: cluster.jobDir,
      });
      for (const id of [link, fifo]) {
        expect((await waitForJob(driver, id, ended)).state).toBe('completed');
        await expect(driver.logs(id)).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_LOG_UNAVAILABLE' });
      }
    });

    it('refuses hostile input with OMEGA_ERR_VALIDATION naming the field, before anything reaches Slurm', async (ctx) => {
      setup(ctx);
      const before = await liveJobIds(cluster);
      const cwd = cluster.jobDir;
      const specs: [unknown, string][] = [
        [null, 'spec'],
        [{ command: '/bin/true', cwd, memory: 5 }, 'memory'],
        [{ cwd }, 'command'],
        [{ command: '/bin/true', script: '#!/bin/sh\n', cwd }, 'command'],
        [{ command: '/bin/true', args: ['a\0b'], cwd }, 'args[0]'],
        [{ script: 'echo no interpreter line', cwd }, 'script'],
        [{ command: '/bin/true', cwd: 'relative/dir' }, 'cwd'],
        [{ command: '/bin/true', cwd: '/tmp/%j' }, 'cwd'],
        [{ command: '/bin/true', cwd, env: { SBATCH_PARTITION: 'aux' } }, 'env.SBATCH_PARTITION'],
        [{ command: '/bin/true', cwd, env: { 'A=B': 'x' } }, 'env.A=B'],
        [{ command: '/bin/true', cwd, env: { X: 'a\0b' } }, 'env.X'],
        [{ command: '/bin/true', cwd, cores: 0 }, 'cores'],
        [{ command: '/bin/true', cwd, cores: 1.5 }, 'cores'],
        [{ command: '/bin/true', cwd, memoryMiB: '64' }, 'memoryMiB'],
        [{ command: '/bin/true', cwd, timeLimitMinutes: -1 }, 'timeLimitMinutes'],
        [{ command: '/bin/true', cwd, name: 'x\n#SBATCH --uid=0' }, 'name'],
        [{ command: '/bin/true', cwd, partition: 'main,aux' }, 'partition'],
        [{ command: '/bin/true', cwd, script: undefined, args: 'not-a-list' }, 'args'],
      ];
      for (const [spec, field] of specs) {
        await expect(driver.submit(spec as never), JSON.stringify(spec)).rejects.toMatchObject({
          code: 'OMEGA_ERR_VALIDATION',
          extras: { field },
        });
      }
      for (const id of [
        '',
        '0',
        '12a',
        '1;scancel -u root',
        '../1',
        '1 2',
        '99999999999',
        12 as unknown as string,
      ]) {
        await expect(driver.status(id)).rejects.toMatchObject({
          code: 'OMEGA_ERR_VALIDATION',
          extras: { field: 'jobId' },
        });
      }
      for (const opts of [{ offset: -1 }, { limit: 0 }, { limit: 1e9 }, { stream: 'stdin' as never }]) {
        await expect(driver.logs('1', opts)).rejects.toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
      }
      await expect(driver.status('999999999')).rejects.toMatchObject({
        code: 'OMEGA_ERR_SLURM_JOB_NOT_FOUND',
      });
      expect(await liveJobIds(cluster)).toEqual(before);
    });

    extra?.(clusterFor);
  });
}

/**
 * Time limits in both modes, overlapped with everything else: Slurm's limits are whole
 * minutes, so `start` submits a 1-minute job per mode on `aux` first and `check` (registered
 * after the other suites) waits for both to be timed out.
 */
export function describeTimeLimits(clusterFor: (ctx: TestContext) => SlurmCluster) {
  const jobs = new Map<'rest' | 'cli', { driver: SlurmDriver; jobId: string }>();
  return {
    start() {
      it('starts a job with a 1-minute limit on aux in each mode (checked after the other tests)', async (ctx) => {
        const cluster = clusterFor(ctx);
        for (const mode of ['rest', 'cli'] as const) {
          const driver = createSlurmDriver(driverOptions(mode, cluster));
          const { jobId } = await driver.submit({
            command: '/bin/sleep',
            args: ['600'],
            cwd: cluster.jobDir,
            partition: 'aux',
            timeLimitMinutes: 1,
          });
          jobs.set(mode, { driver, jobId });
        }
        for (const { driver, jobId } of jobs.values()) {
          expect((await waitForJob(driver, jobId, (x) => x.state === 'running')).nodes).toEqual([
            cluster.nodeNames[1],
          ]);
        }
      });
    },
    check() {
      it('reports each job past its 1-minute limit as timed-out', { timeout: 180_000 }, async (ctx) => {
        clusterFor(ctx);
        expect([...jobs.keys()]).toEqual(['rest', 'cli']);
        for (const { driver, jobId } of jobs.values()) {
          expect(await waitForJob(driver, jobId, ended, 150_000)).toMatchObject({
            state: 'timed-out',
            slurmState: 'TIMEOUT',
            reason: 'TimeLimit',
          });
        }
      });
    },
  };
}
