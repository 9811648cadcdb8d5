import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcStat } from '../../src/exec/proc/proc-stat.js';
import { readSessionRecord, writeSessionRecord } from '../../src/exec/state/session-record.js';
import {
  type Harness,
  type HarnessBase,
  harness,
  harnessBase,
  noCgroupSkipReason,
  runAgent,
  running,
  waitFor,
} from './exec-harness.js';

const reason = await noCgroupSkipReason();
if (reason) console.warn(`[agent/test/exec/adopt-unverified-root] SKIPPED: ${reason}`);

/**
 * A session without a cgroup is held by the process tree below its supervisor. After a reboot, or
 * a supervisor that died while no agent ran, the pid in its record may name any process of the
 * host: adoption must not take that process's tree for the session's and kill it.
 */
describe.skipIf(reason !== null)(
  `adopting a session whose recorded supervisor pid now names another process (no cgroup)${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let base: HarnessBase;
    let agent: ReturnType<typeof runAgent> | null = null;
    let stranger: ChildProcess | null = null;
    let strangerChild = 0;
    let h: Harness | null = null;
    beforeAll(async () => {
      base = await harnessBase();
    });
    afterAll(async () => {
      agent?.child.kill('SIGKILL');
      stranger?.kill('SIGKILL');
      if (strangerChild > 0)
        try {
          process.kill(strangerChild, 'SIGKILL');
        } catch {}
      await h?.cleanup();
      await rm(base.dataDir, { recursive: true, force: true });
    });

    it('kills neither that process nor its child, and ends the session as lost', async () => {
      const options = { cgroup: { mode: 'none' as const }, supervisor: 'helper' as const };
      agent = runAgent(base, [{ spec: { id: 'reused', command: '/bin/sleep', args: ['600'] } }], options);
      await waitFor(() => agent!.isReady(), 'the agent');
      const supervisorPid = agent.started.get('reused')!.supervisorPid!;
      agent.child.kill('SIGKILL');
      await once(agent.child, 'exit');
      process.kill(supervisorPid, 'SIGKILL'); // the supervisor dies while no agent runs

      // a process of the host (root, not the session's uid) with a child of its own; the record
      // names it as the supervisor, as a pid reused after the supervisor died would
      stranger = spawn('/bin/sh', ['-c', '/bin/sleep 600 & echo $!; wait'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [line] = (await once(createInterface({ input: stranger.stdout! }), 'line')) as [string];
      strangerChild = Number(line);
      const dir = join(base.dataDir, 'sessions', 'reused');
      const rec = (await readSessionRecord(dir))!;
      expect(rec.supervisorStartTicks).not.toBeNull();
      expect(rec.supervisorStartTicks).not.toBe((await readProcStat(stranger.pid!))!.startTicks);
      rec.status.supervisorPid = stranger.pid!;
      await writeSessionRecord(dir, rec);

      h = await harness(options, base);
      await h.ex.adopt();
      const end = await h.ex.wait('reused');
      expect(end.outcome).toBe('lost');
      expect(await running(stranger.pid!)).toBe(true);
      expect(await running(strangerChild)).toBe(true);
      expect(await h.leftovers()).toEqual([]);
    });
  },
);
