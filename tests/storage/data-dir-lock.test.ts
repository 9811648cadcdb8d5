import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, processStartTicks } from '../../kernel/storage/index.js';
import { removeDir, startTempKernel } from '../helpers/temp-kernel.js';
import { type KernelChild, spawnKernel } from './spawn-kernel.js';

/** The omega CLI's entry (it moves out of kernel/ into cli/). */
const CLI = ['cli', 'kernel/cli']
  .map((d) => join(import.meta.dirname, '..', '..', d, 'main.ts'))
  .find((p) => existsSync(p))!;
const dirs: string[] = [];
const children: KernelChild[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'omega-lock-'));
  dirs.push(d);
  return d;
};
const child = (dataDir: string) => {
  const c = spawnKernel(dataDir);
  children.push(c);
  return c;
};
afterAll(() => {
  for (const c of children) c.proc.kill('SIGKILL');
  for (const d of dirs) removeDir(d);
});

/** A lock file as a kernel with this pid and start time would have written it. */
function plantLock(dataDir: string, pid: number, startTicks: string | null): void {
  const boot = existsSync('/proc/sys/kernel/random/boot_id')
    ? spawnSync('cat', ['/proc/sys/kernel/random/boot_id'], { encoding: 'utf8' }).stdout.trim()
    : null;
  writeFileSync(
    join(dataDir, LOCK_FILE),
    JSON.stringify({
      pid,
      startTicks,
      bootId: boot,
      host: hostname(),
      since: '2026-01-01T00:00:00Z',
      token: 't',
    }),
  );
}

const hasProc = existsSync('/proc/self/stat');

describe('data directory lock (real processes)', () => {
  it('a second kernel on the same directory refuses to start with one line naming the holder pid', async () => {
    const dataDir = tempDir();
    const first = child(dataDir);
    await first.ready;
    const r = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, 'start', '--port', '0', '--data-dir', dataDir],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain(`pid ${first.proc.pid}`);
    expect(r.stderr).toContain('OMEGA_ERR_DATA_DIR_LOCKED');
    expect(r.stderr).toContain(dataDir);
    // The first kernel never noticed: its lock is intact and it still serves.
    const lock = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8'));
    expect(lock.pid).toBe(first.proc.pid);
    first.proc.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false); // a graceful stop releases it
  });

  it('a lock left by a kill -9 does not block the next start', async () => {
    const dataDir = tempDir();
    const first = child(dataDir);
    await first.ready;
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(first.proc.pid);
    const second = child(dataDir);
    await second.ready;
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(second.proc.pid);
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it.skipIf(!hasProc)('a reused pid does not fool it: the start time must match too', async () => {
    // A live process that is not a kernel: as if the dead kernel's pid had been handed out again.
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const ticks = processStartTicks(sleeper.pid!);
      expect(ticks).not.toBeNull();
      const reused = tempDir();
      plantLock(reused, sleeper.pid!, String(Number(ticks) - 100));
      const k = await startTempKernel({ dataDir: reused, plugins: { dirs: [], warmHosts: 0 } });
      await k.stop();

      // The same pid with its real start time is a live holder: refused, naming it.
      const held = tempDir();
      plantLock(held, sleeper.pid!, ticks);
      await expect(
        startTempKernel({ dataDir: held, plugins: { dirs: [], warmHosts: 0 } }),
      ).rejects.toMatchObject({
        code: 'OMEGA_ERR_DATA_DIR_LOCKED',
        message: expect.stringContaining(`pid ${sleeper.pid}`),
      });
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('two kernels in one process on one directory: the second is refused, the first keeps it', async () => {
    const dataDir = tempDir();
    const k = await startTempKernel({ dataDir, plugins: { dirs: [], warmHosts: 0 } });
    try {
      await expect(startTempKernel({ dataDir, plugins: { dirs: [], warmHosts: 0 } })).rejects.toMatchObject({
        code: 'OMEGA_ERR_DATA_DIR_LOCKED',
        extras: { pid: process.pid },
      });
      expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      expect((await k.api('/api/v1/health')).status).toBe(200);
    } finally {
      await k.stop();
    }
    const again = await startTempKernel({ dataDir, plugins: { dirs: [], warmHosts: 0 } });
    await again.stop();
  });

  it('two kernels racing over a stale lock: exactly one wins', async () => {
    const dataDir = tempDir();
    const dead = spawnSync('true');
    plantLock(dataDir, dead.pid!, '1'); // its process is gone
    const racers = [child(dataDir), child(dataDir)];
    const outcomes = await Promise.allSettled(racers.map((r) => r.ready));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String(lost[0]!.reason)).toContain('OMEGA_ERR_DATA_DIR_LOCKED');
    const winner = racers[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(winner.proc.pid);
    winner.proc.kill('SIGTERM');
    await winner.exited;
  });
});
