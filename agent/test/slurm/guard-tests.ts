import { expect, it } from 'vitest';
import { type ContractContext, ended, liveJobIds } from './contract-context.js';
import { waitForJob } from './job-probes.js';

/** What the driver refuses: other users’ jobs, output files swapped for a symlink or FIFO, hostile input. */
export function guardTests(t: ContractContext) {
  it('touches only its user’s jobs', async (ctx) => {
    const { cluster, driver } = t.setup(ctx);
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
    const { cluster, driver } = t.setup(ctx);
    const link = await t.submit({
      command: '/bin/sh',
      args: ['-c', 'f="$PWD/omega-$SLURM_JOB_ID.out"; rm -f "$f"; ln -s /etc/shadow "$f"'],
      cwd: cluster.jobDir,
    });
    const fifo = await t.submit({
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
    const { cluster, driver } = t.setup(ctx);
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
}
