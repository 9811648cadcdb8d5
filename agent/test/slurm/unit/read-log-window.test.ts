import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogWindow } from '../../../src/slurm/read-log-window.js';

describe('reading a window of a job output file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omega-slurm-log-'));
  const me = process.getuid?.() ?? 0;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
  const file = join(dir, 'omega-1.out');
  writeFileSync(file, bytes);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads exactly the bytes asked for, and reports the size', async () => {
    expect(await readLogWindow(file, 0, 5000, me)).toEqual({ data: bytes, size: 1000 });
    const w = await readLogWindow(file, 990, 100, me);
    expect(w.data.equals(bytes.subarray(990))).toBe(true);
    expect((await readLogWindow(file, 2000, 100, me)).data.length).toBe(0);
  });

  it('reads a file that does not exist yet as empty', async () => {
    expect(await readLogWindow(join(dir, 'not-yet.out'), 0, 10, me)).toEqual({
      data: Buffer.alloc(0),
      size: 0,
    });
  });

  it('refuses a symlink, even to a file it could read', async () => {
    const link = join(dir, 'link.out');
    symlinkSync(file, link);
    await expect(readLogWindow(link, 0, 10, me)).rejects.toMatchObject({
      code: 'OMEGA_ERR_SLURM_LOG_UNAVAILABLE',
    });
  });

  it('refuses a FIFO without blocking on it', async () => {
    const fifo = join(dir, 'fifo.out');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(readLogWindow(fifo, 0, 10, me)).rejects.toMatchObject({
      code: 'OMEGA_ERR_SLURM_LOG_UNAVAILABLE',
    });
  });

  it('refuses a file that is not owned by the job’s user', async () => {
    await expect(readLogWindow(file, 0, 10, me + 4242)).rejects.toMatchObject({
      code: 'OMEGA_ERR_SLURM_LOG_UNAVAILABLE',
    });
  });
});
