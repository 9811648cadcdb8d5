import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type Harness,
  harness,
  harnessBase,
  hostileBinary,
  runAgent,
  skipReason,
  waitFor,
} from './exec-harness.js';

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/direct-fallback] SKIPPED: ${reason}`);

/**
 * Without a C compiler the executor spawns sessions itself, their output going to files opened
 * O_APPEND. It must still be exact and leave nothing behind; it loses the log cap and an exit
 * that happens while the agent is down, and says so.
 */
describe.skipIf(reason !== null)(
  `direct spawning, the fallback without a supervisor${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let h: Harness;
    let bin: string;
    beforeAll(async () => {
      h = await harness({ supervisor: 'direct' });
      bin = await hostileBinary();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('says what it loses', () => {
      const r = h.ex.report();
      expect(r.features.logCap.level).toBe('not-enforced');
      expect(r.features.adoption.level).toBe('approximate');
    });

    it('runs a session as its uid in its cgroup, output byte-exact, exit code exact, no process left', async () => {
      await h.ex.start({
        id: 'direct',
        script: `printf 'a\\377\\376b\\n'; id -u; ${bin} daemon; exit 3`,
        resources: { memoryBytes: 32 << 20 },
      });
      const end = await h.ex.wait('direct');
      expect([end.outcome, end.exit?.code, end.supervisorPid]).toEqual(['failed', 3, null]);
      const out = (await h.ex.logs('direct', { stream: 'stdout' })).data;
      expect([...out.subarray(0, 5)]).toEqual([0x61, 0xff, 0xfe, 0x62, 0x0a]);
      expect(Number(out.subarray(5).toString().trim())).toBeGreaterThanOrEqual(h.uidRange[0]);
      expect(await h.leftovers()).toEqual([]);
    });

    it('pauses, resumes and terminates the whole tree', async () => {
      await h.ex.start({ id: 'tree', script: `setsid ${bin} sleep & exec ${bin} spin` });
      await waitFor(async () => ((await h.ex.usage('tree'))?.cpuTotalSec ?? 0) > 0.05, 'CPU time');
      await h.ex.pause('tree', { graceMs: 0 });
      const a = (await h.ex.usage('tree'))!.cpuTotalSec;
      await sleep(300);
      expect((await h.ex.usage('tree'))!.cpuTotalSec).toBe(a);
      await h.ex.resume('tree');
      expect((await h.ex.terminate('tree', { graceMs: 100 })).outcome).toBe('terminated');
      expect(await h.leftovers()).toEqual([]);
    });

    it('refuses an argument list the kernel will not take with a clear error', async () => {
      await expect(
        h.ex.start({ id: 'big', command: bin, args: ['exit', 'z'.repeat(200 * 1024)] }),
      ).rejects.toMatchObject({
        code: 'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
      });
    });

    it('adopts a running session after an agent crash, and reports an exit it could not see as lost', async () => {
      const base = await harnessBase();
      onTestFinished(() => rm(base.dataDir, { recursive: true, force: true }));
      const agent = runAgent(
        base,
        [
          { spec: { id: 'survivor', command: bin, args: ['sleep'] } },
          { spec: { id: 'unseen', script: 'sleep 0.5; exit 5' } },
        ],
        { supervisor: 'direct' },
      );
      await waitFor(() => agent.isReady(), 'the agent');
      agent.child.kill('SIGKILL');
      await new Promise((r) => agent.child.once('exit', r));
      await sleep(1000);
      const h2 = await harness({ supervisor: 'direct' }, base);
      try {
        await h2.ex.adopt();
        expect(h2.ex.status('survivor').phase).toBe('running');
        const unseen = await h2.ex.wait('unseen');
        expect([unseen.outcome, unseen.exit]).toEqual(['lost', null]);
        expect((await h2.ex.terminate('survivor', { graceMs: 0 })).outcome).toBe('terminated');
        expect(await h2.leftovers()).toEqual([]);
      } finally {
        await h2.cleanup();
      }
    });
  },
);
