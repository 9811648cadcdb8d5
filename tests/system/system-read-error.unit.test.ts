import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import {
  createSystemInfo,
  memoryFromMeminfo,
  parseLoadavg,
  parseProcStat,
} from '../../kernel/system/index.js';

/**
 * The parsers moved to @omega/hostinfo, which throws its own codes; the kernel's system capability
 * must still answer OMEGA_ERR_SYSTEM_READ (503) naming the source, as before the move.
 */
describe('kernel/system keeps OMEGA_ERR_SYSTEM_READ for malformed host files', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('the re-exported parsers throw OMEGA_ERR_SYSTEM_READ with the source', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const stat = codeOf(() => parseProcStat('intr 1\n'));
    expect(hasErrorCode(stat, 'OMEGA_ERR_SYSTEM_READ')).toBe(true);
    expect((stat as { extras: { source: string } }).extras.source).toBe('/proc/stat');
    expect(
      hasErrorCode(
        codeOf(() => parseLoadavg('x')),
        'OMEGA_ERR_SYSTEM_READ',
      ),
    ).toBe(true);
    expect(
      hasErrorCode(
        codeOf(() => memoryFromMeminfo(new Map(), 0)),
        'OMEGA_ERR_SYSTEM_READ',
      ),
    ).toBe(true);
  });

  it('createSystemInfo over a malformed /proc rejects cpu() and memory() with OMEGA_ERR_SYSTEM_READ', async () => {
    const proc = await mkdtemp(join(os.tmpdir(), 'omega-badproc-'));
    dirs.push(proc);
    await writeFile(join(proc, 'stat'), 'intr 1 2 3\n');
    await writeFile(join(proc, 'loadavg'), '0.1 0.2 0.3 1/1 1\n');
    await writeFile(join(proc, 'meminfo'), 'Buffers: 1 kB\n');
    const sys = createSystemInfo({ procRoot: proc, cacheMs: 0 });
    const cpu = await sys.cpu().catch((e: unknown) => e);
    expect(hasErrorCode(cpu, 'OMEGA_ERR_SYSTEM_READ')).toBe(true);
    expect((cpu as { extras: { source: string } }).extras.source).toBe('/proc/stat');
    const mem = await sys.memory().catch((e: unknown) => e);
    expect(hasErrorCode(mem, 'OMEGA_ERR_SYSTEM_READ')).toBe(true);
    expect((mem as { extras: { source: string } }).extras.source).toBe('/proc/meminfo');
  });
});
