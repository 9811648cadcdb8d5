import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSessionRecord, writeSessionRecord } from '../../src/exec/state/session-record.js';
import { type Harness, harness, harnessBase, noCgroupSkipReason, waitFor } from './exec-harness.js';

const reason = await noCgroupSkipReason();
if (reason) console.warn(`[agent/test/exec/adopt-paused-termination] SKIPPED: ${reason}`);

/** A session that says `ready` once it traps TERM, then notes each SIGTERM (`term`) and carries on. */
const TERM_COUNTER = "trap 'echo term' TERM; echo ready; while :; do sleep 0.05; done";
const stdout = async (h: Harness, id: string): Promise<string> =>
  (await h.ex.logs(id, { stream: 'stdout' })).data.toString('utf8');

/**
 * An agent process that terminates a paused session writes `stopping` first, then sends SIGTERM
 * and thaws. Killed in between, it leaves the session stopped (SIGSTOP, without a cgroup) with no
 * SIGTERM sent: the agent process that adopts it must thaw it and send SIGTERM, so the job gets
 * its grace instead of waiting it out stopped and being killed.
 */
describe.skipIf(reason !== null)(
  `adopting a termination of a paused session, begun by an agent that stopped before its thaw (no cgroup)${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('thaws it and sends SIGTERM once: the job handles it in its grace, then the tree is killed', async () => {
      const base = await harnessBase();
      const first = await harness({ cgroup: { mode: 'none' } }, base);
      await first.ex.start({ id: 'frozen', command: '/bin/sh', args: ['-c', TERM_COUNTER] });
      await waitFor(
        async () => (await stdout(first, 'frozen')).includes('ready'),
        'the session to trap TERM',
      );
      expect((await first.ex.pause('frozen', { graceMs: 0 })).phase).toBe('paused');
      await first.ex.close(); // a paused session stays paused for the next agent
      // What that agent process left when killed right after it wrote `stopping`.
      const dir = join(base.dataDir, 'sessions', 'frozen');
      const rec = (await readSessionRecord(dir))!;
      rec.status.phase = 'stopping';
      rec.terminate = {
        outcome: 'terminated',
        message: 'terminated on request',
        atMs: Date.now(),
        graceMs: 1_500,
      };
      await writeSessionRecord(dir, rec);

      h = await harness({ cgroup: { mode: 'none' } }, base);
      await h.ex.adopt();
      const end = await h.ex.wait('frozen');
      expect(end).toMatchObject({ phase: 'ended', outcome: 'terminated' });
      expect((await stdout(h, 'frozen')).match(/^term$/gm)).toEqual(['term']);
      expect(await h.leftovers()).toEqual([]);
    });
  },
);
