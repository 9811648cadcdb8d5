import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutorOptions } from '../../src/exec/index.js';
import { readProcStat } from '../../src/exec/proc/proc-stat.js';
import { type Harness, harness, isRoot, waitFor } from './exec-harness.js';
import { type SilentLauncher, silentLauncher } from './silent-launcher.js';

const reason = isRoot ? null : 'not root: sessions need root for their uids';
if (reason) console.warn(`[agent/test/exec/silent-launcher-bounds] SKIPPED: ${reason}`);

/**
 * A launcher that never reports (its command blocked before exec: a binary or working directory
 * on a dead NFS mount, uninterruptible) used to hold a start forever, and with it close() and
 * the agent's stop until something SIGKILLed the agent.
 */
describe.skipIf(reason !== null)(
  `a supervisor that never reports${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let launcher: SilentLauncher | undefined;
    let h: Harness | undefined;
    afterEach(async () => {
      await launcher?.cleanup(); // a start still waiting for it fails now, and undoes its steps
      await h?.cleanup();
      launcher = h = undefined;
    });

    const open = async (options: Partial<ExecutorOptions>) => {
      launcher = await silentLauncher();
      h = await harness({
        cgroup: { mode: 'none' },
        supervisor: 'helper',
        helperDir: launcher.helperDir,
        ...options,
      });
      return { l: launcher, h };
    };

    it('fails the start with OMEGA_ERR_EXEC_SUPERVISOR once launchTimeoutMs passed, the launcher killed, nothing left', async () => {
      const { l, h } = await open({ launchTimeoutMs: 1000 });
      await expect(h.ex.start({ id: 'blocked', command: '/bin/true' })).rejects.toMatchObject({
        code: 'OMEGA_ERR_EXEC_SUPERVISOR',
      });
      const [pid] = await l.pids();
      await waitFor(async () => {
        const s = await readProcStat(pid!);
        return s === null || s.state === 'Z';
      }, 'the launcher to die');
      expect(h.ex.has('blocked')).toBe(false);
      expect(await readdir(join(h.dataDir, 'sessions'))).toEqual([]);
      // what the launcher left (its main process, in the real supervisor) was killed, not orphaned
      const left = await l.children();
      expect(left).toHaveLength(2);
      for (const pid of left) {
        const s = await readProcStat(pid);
        expect(s === null || s.state === 'Z').toBe(true);
      }
      expect(await h.leftovers()).toEqual([]);
      await h.ex.close();
    });

    it('close() stops waiting for the start after closeTimeoutMs and logs its id', async () => {
      const { l, h } = await open({ launchTimeoutMs: 600_000, closeTimeoutMs: 300 });
      const start = h.ex.start({ id: 'stuck', command: '/bin/true' }).catch((e: { code?: string }) => e.code);
      await waitFor(async () => (await l.pids()).length > 0, 'the launcher');
      await h.ex.close();
      expect(h.problems).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          obj: expect.objectContaining({ starting: ['stuck'], terminating: [] }),
        }),
      );
      await l.cleanup(); // the launcher dies: the start fails and undoes its steps
      expect(await start).toBe('OMEGA_ERR_EXEC_SUPERVISOR');
    });
  },
);
