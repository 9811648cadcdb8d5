import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectQuotaMechanism } from '../../src/exec/quota/work-dir-quota.js';
import { type Harness, harness, isRoot, skipReason } from './exec-harness.js';

const run = promisify(execFile);
const reason = await skipReason();
const loop = isRoot ? await detectQuotaMechanism(true, 'loop') : null;
const why = reason ?? (loop ? null : 'no loop device or mkfs.ext4 on this machine');
if (why) console.warn(`[agent/test/exec/disk-quota] SKIPPED: ${why}`);

const mounted = async (dir: string) =>
  (await readFile('/proc/self/mounts', 'utf8')).split('\n').some((l) => l.split(' ')[1] === dir);

/** A working-directory quota with each mechanism: writes past it fail with ENOSPC, and it is gone with the session. */
describe.skipIf(why !== null).each(['loop', 'tmpfs'] as const)(
  `disk quota (%s)${why ? ` (skipped: ${why})` : ''}`,
  (mechanism) => {
    let h: Harness;
    beforeAll(async () => {
      h = await harness({ quota: mechanism });
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('limits what the session can write in its working directory', async () => {
      expect(h.ex.report().features.diskQuota.level).toBe('enforced');
      const quota = 8 * 1024 * 1024;
      const s = await h.ex.start({
        id: 'quota',
        script:
          'dd if=/dev/zero of=big bs=1M count=32 2>&1 | grep -c "No space left"; stat -c %u:%a .; du -sk big | cut -f1',
        resources: { diskBytes: quota, memoryBytes: 256 << 20 },
      });
      expect(await mounted(s.cwd)).toBe(true);
      const end = await h.ex.wait('quota');
      expect(end.outcome).toBe('succeeded');
      const [enospc, owner, kib] = (await h.ex.logs('quota', { stream: 'stdout' })).data
        .toString()
        .trim()
        .split('\n');
      expect(enospc).toBe('1'); // dd: No space left on device
      expect(owner).toBe(`${end.uid}:700`); // owned by the session's uid, private
      expect(Number(kib) * 1024).toBeLessThanOrEqual(quota);
      expect(Number(kib) * 1024).toBeGreaterThan(quota / 2);
      expect(await mounted(s.cwd)).toBe(false); // unmounted with the session (a quota'd directory is scratch)
      const { stdout } = await run('losetup', ['-a']);
      expect(stdout).not.toContain(`${h.dataDir}/quota/quota.img`);
    });
  },
);
