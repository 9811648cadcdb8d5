import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

describe('system.filesystemsRecheckMs in the kernel config', () => {
  let k: TempKernel | undefined;
  afterEach(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    k = undefined;
  });

  it("reaches the kernel's disk reader: 0 reads filesystem usage on every read, the default reuses it", async () => {
    const twoReads = async (system: Record<string, number>) => {
      k = await startTempKernel({ system: { cacheMs: 1, ...system } });
      const first = await k.kernel.system.disk();
      await new Promise((r) => setTimeout(r, 20));
      const next = await k.kernel.system.disk();
      await k.stop();
      removeDir(k.dataDir);
      k = undefined;
      expect(first.filesystems.length).toBeGreaterThan(0);
      return next.filesystemsAt !== first.filesystemsAt;
    };
    expect(await twoReads({ filesystemsRecheckMs: 0 })).toBe(true);
    expect(await twoReads({})).toBe(false);
  });
});
