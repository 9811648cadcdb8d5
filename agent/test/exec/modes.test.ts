import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CgroupMode } from '../../src/exec/index.js';
import { type Harness, harness, hostileBinary, skipReason, waitFor } from './exec-harness.js';

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/modes] SKIPPED: ${reason}`);

/**
 * The same contract in every mode this machine can run: v1 controllers only, the cgroup2 core
 * files only (forced `v2`: freeze, kill, events and cpu.stat without controllers), and no cgroups.
 * The hybrid mode (the default here) is covered by lifecycle and hostile; pure v2 with
 * controllers by the recorded tree in v2-recorded-tree.unit.test.ts.
 */
const MODES: { mode: CgroupMode; pause: string; memory: boolean }[] = [
  { mode: 'v1', pause: 'cgroup v1 freezer', memory: true },
  { mode: 'v2', pause: 'cgroup v2 freezer', memory: false },
  { mode: 'none', pause: 'SIGSTOP', memory: false },
];

const text = async (h: Harness, id: string) =>
  (await h.ex.logs(id, { stream: 'stdout', limit: 1 << 20 })).data.toString('utf8');

describe.skipIf(reason !== null).each(MODES)(
  `cgroup mode $mode${reason ? ` (skipped: ${reason})` : ''}`,
  ({ mode, pause, memory }) => {
    let h: Harness;
    let bin: string;
    beforeAll(async () => {
      h = await harness({ cgroup: { mode } });
      bin = await hostileBinary();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('reports what it really enforces', () => {
      const r = h.ex.report();
      expect(r.mode).toBe(mode);
      expect(r.features.memory.level).toBe(memory ? 'enforced' : 'not-enforced');
      if (mode === 'none') {
        expect(r.features.memory.text).toBe('memory limit: not enforced: no writable cgroup');
        expect(r.features.pause.level).toBe('approximate');
      } else expect(r.features.pause.level).toBe('enforced');
      expect(r.features.treeKill.level).toBe('enforced');
      expect(r.lines).toHaveLength(Object.keys(r.features).length);
    });

    it('runs a session to its exit and leaves no process behind, daemons included', async () => {
      await h.ex.start({
        id: 'tree',
        script: `${bin} daemon; setsid ${bin} sleep & (${bin} sleep &); echo ok; exit 4`,
      });
      const end = await h.ex.wait('tree');
      expect([end.outcome, end.exit?.code]).toEqual(['failed', 4]);
      expect(await text(h, 'tree')).toBe('ok\n');
      expect(await h.leftovers()).toEqual([]);
    });

    it(`pauses with the ${pause} (no CPU while paused) and resumes`, async () => {
      await h.ex.start({ id: 'spin', command: bin, args: ['spin', '2'] });
      expect(h.ex.status('spin').pauseMethod).toBe(pause);
      await waitFor(async () => ((await h.ex.usage('spin'))?.cpuTotalSec ?? 0) > 0.05, 'CPU time');
      await h.ex.pause('spin', { graceMs: 0 });
      const a = (await h.ex.usage('spin'))!.cpuTotalSec;
      await sleep(400);
      expect((await h.ex.usage('spin'))!.cpuTotalSec).toBe(a);
      await h.ex.resume('spin');
      await waitFor(async () => (await h.ex.usage('spin'))!.cpuTotalSec > a + 0.05, 'CPU time after resume');
      const end = await h.ex.terminate('spin', { graceMs: 100 });
      expect(end.outcome).toBe('terminated');
      expect(await h.leftovers()).toEqual([]);
    });

    it('kills a respawning process tree on terminate, even while paused', async () => {
      await h.ex.start({
        id: 'respawn',
        script: `setsid ${bin} respawn & ${bin} daemon; ${bin} respawn & exec ${bin} sleep`,
      });
      await waitFor(async () => (await h.leftovers()).length >= 4, 'the respawners');
      await h.ex.pause('respawn', { graceMs: 0 });
      const end = await h.ex.terminate('respawn', { graceMs: 200 });
      expect(end.phase).toBe('ended');
      expect(await h.leftovers()).toEqual([]);
    });

    it(
      memory
        ? 'ends a session over its memory limit as oom-killed'
        : 'refuses a memory limit it cannot enforce, and runs it best-effort on request',
      async () => {
        const spec = {
          command: bin,
          args: ['leak', String(4 << 20), '10'],
          resources: { memoryBytes: 32 << 20 },
          timeLimitSec: 30,
        };
        if (memory) {
          await h.ex.start({ id: 'oom', ...spec });
          const end = await h.ex.wait('oom');
          expect(end.outcome).toBe('oom-killed');
          expect(end.usage?.memoryPeakBytes).toBeGreaterThan(16 << 20);
          return;
        }
        await expect(h.ex.start({ id: 'oom', ...spec })).rejects.toMatchObject({
          code: 'OMEGA_ERR_EXEC_UNENFORCEABLE',
        });
        const s = await h.ex.start({ id: 'oom-be', ...spec, args: ['sleep'], enforcement: 'best-effort' });
        expect(
          s.enforcement.some(
            (l) => l.startsWith('memory limit: not enforced') && l.endsWith('(best-effort)'),
          ),
        ).toBe(true);
        await h.ex.terminate('oom-be', { graceMs: 0 });
      },
    );

    it('samples usage every tick as events', async () => {
      const seen: number[] = [];
      const off = h.ex.on('usage', (e) => {
        if (e.id === 'usage') seen.push(e.usage.cpuTotalSec);
      });
      await h.ex.start({ id: 'usage', command: bin, args: ['spin'] });
      await waitFor(() => seen.length >= 3 && seen.at(-1)! > seen[0]!, 'three samples, growing');
      off();
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
      await h.ex.terminate('usage', { graceMs: 0 });
    });
  },
);
