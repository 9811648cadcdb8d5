import { expect, it } from 'vitest';
import type { SlurmDriver } from '../../src/slurm/index.js';
import { type ContractContext, ended, liveJobIds } from './contract-context.js';
import { cpuTicks, jobPids, processStates, sleep, waitForJob } from './job-probes.js';

/** Every byte value, then multi-byte UTF-8: what a job prints and `logs` must give back exactly. */
const EXPECTED_BYTES = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('héllo ✓ 日本語 — no newline at the end', 'utf8'),
]);
/** A printf format that prints EXPECTED_BYTES (octal escapes for the binary part). */
const PRINTF_FORMAT = `${Array.from({ length: 256 }, (_, i) => `\\${i.toString(8).padStart(3, '0')}`).join('')}héllo ✓ 日本語 — no newline at the end`;

/** A job’s life through the driver: exit codes and signals, output, environment, directives, pause, cancel, OOM, refusals, watch. */
export function jobLifecycleTests(t: ContractContext) {
  it('runs a command to completion with exit code 0 and gives its output back byte for byte', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
    const jobId = await t.submit({
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
    const { cluster, driver } = t.setup(ctx);
    const exit3 = await t.submit({
      command: '/bin/sh',
      args: ['-c', 'printf oops >&2; exit 3'],
      cwd: cluster.jobDir,
    });
    const killed = await t.submit({ command: '/bin/sh', args: ['-c', 'kill -TERM $$'], cwd: cluster.jobDir });
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
    const { cluster, driver } = t.setup(ctx);
    const value = 'a=b,c\nd é "q" $HOME `x` \\ %s';
    process.env.OMEGA_AGENT_SECRET = 'agent-only-value';
    try {
      const jobId = await t.submit({
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
    const { cluster, driver } = t.setup(ctx);
    const jobId = await t.submit({
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
    const { cluster, driver } = t.setup(ctx);
    const jobId = await t.submit({
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
    // the same lag the other way: RUNNING again before slurmd has thawed the tasks
    for (let i = 0; i < 100 && !processStates(pids).some((st) => st === 'R'); i++) await sleep(50);
    const resumed = await ticksOver(1000);

    expect(paused).toBe(0);
    expect(running).toBeGreaterThan(paused);
    expect(resumed).toBeGreaterThan(paused);
    await expect(driver.resume(jobId)).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_JOB_STATE' });
  });

  it('cancels a running job and a pending one; cancelling a finished job is a no-op', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
    const run = await t.submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir });
    await waitForJob(driver, run, (s) => s.state === 'running');
    const held = await t.submit({ command: '/bin/sleep', args: ['300'], cwd: cluster.jobDir, cores: 2 });
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
    const { cluster, driver } = t.setup(ctx);
    const jobId = await t.submit({
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
    const { cluster, driver } = t.setup(ctx);
    const before = await liveJobIds(cluster);
    const cases: [Parameters<SlurmDriver['submit']>[0], RegExp][] = [
      [{ command: '/bin/true', cwd: cluster.jobDir, cores: 64 }, /More processors requested than permitted/],
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

  it('watches the user’s jobs: the list first, then each change, until undone', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
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
      jobId = await t.submit({ command: '/bin/sleep', args: ['2'], cwd: cluster.jobDir });
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
}
