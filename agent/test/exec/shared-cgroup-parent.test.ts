import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type Harness, harness, harnessBase, skipReason } from './exec-harness.js';

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/shared-cgroup-parent] SKIPPED: ${reason}`);

describe.skipIf(reason !== null)(
  `two agents on one cgroup parent${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    it('a session starts in its own cgroup, named once, with its limits, after the other agent stopped and removed the shared base', async () => {
      const base = await harnessBase();
      const first = await harness({}, base);
      let second: Harness | null = null;
      try {
        second = await harness({}, base);
        await first.ex.close(); // removes the (empty) base directories both agents use
        const s = await second.ex.start({
          id: 's-shared1',
          command: '/bin/sleep',
          args: ['30'],
          resources: { memoryBytes: 64 << 20, pidsMax: 16 },
        });
        expect(s.phase).toBe('running');
        expect(s.enforcement.join('\n')).toMatch(/memory limit: 67108864/);
        const own = await readFile(`/proc/${s.pid}/cgroup`, 'utf8');
        const paths = own
          .split('\n')
          .filter((l) => l.includes(base.parent))
          .map((l) => l.split(':')[2] ?? '');
        expect(paths.length).toBeGreaterThan(0);
        for (const p of paths) expect(p.endsWith(`/${base.parent}/s-shared1`)).toBe(true);
        await second.ex.terminate('s-shared1', { graceMs: 0 });
      } finally {
        await second?.cleanup();
        await first.cleanup();
      }
    });
  },
);
