import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readProcStat } from '../../src/exec/proc/proc-stat.js';
import {
  type Harness,
  type HarnessBase,
  harness,
  harnessBase,
  hostileBinary,
  runAgent,
  skipReason,
  waitFor,
} from './exec-harness.js';

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/adoption] SKIPPED: ${reason}`);

describe.skipIf(reason !== null)(
  `agent restart: sessions are adopted, not killed or orphaned${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let base: HarnessBase;
    let bin: string;
    let h: Harness | null = null;
    beforeAll(async () => {
      base = await harnessBase();
      bin = await hostileBinary();
    });
    afterAll(async () => {
      await h?.cleanup();
      await rm(base.dataDir, { recursive: true, force: true }); // when a test failed before it made its harness
    });

    it('carries on after the agent is SIGKILLed: same processes, usage continuous, output complete, exit codes exact, pauses and time limits kept', async () => {
      const agent = runAgent(base, [
        {
          spec: {
            id: 'counter',
            command: bin,
            args: ['counter', '10'],
            resources: { memoryBytes: 64 << 20 },
          },
        },
        { spec: { id: 'short', script: 'sleep 1; echo done; exit 5' } },
        { spec: { id: 'frozen', command: bin, args: ['spin'] }, pause: true },
        { spec: { id: 'limited', command: bin, args: ['sleep'], timeLimitSec: 4, killGraceMs: 100 } },
      ]);
      await waitFor(() => agent.isReady(), 'the agent to start its sessions');
      await waitFor(
        () => (agent.usage.get('counter')?.cpuTotalSec ?? 0) > 0.05,
        'usage from the first agent',
      );
      const before = agent.usage.get('counter')!;
      const counterPid = agent.started.get('counter')!.pid!;
      agent.child.kill('SIGKILL');
      await new Promise((r) => agent.child.once('exit', r));

      await sleep(1500); // the agent is down: the sessions run on, "short" ends meanwhile
      expect(await isAlive(counterPid, (await readProcStat(counterPid))!.startTicks)).toBe(true);

      h = await harness({}, base);
      const adopted = await h.ex.adopt();
      expect(adopted.map((s) => s.id).sort()).toEqual(['counter', 'frozen', 'limited', 'short']);
      expect(adopted.every((s) => s.reason === 'adopted')).toBe(true);

      // the same process, its usage counted on from where the first agent saw it (never reset)
      const counter = h.ex.status('counter');
      expect([counter.phase, counter.pid]).toEqual(['running', counterPid]);
      const now = (await h.ex.usage('counter'))!;
      expect(now.cpuTotalSec).toBeGreaterThan(before.cpuTotalSec);

      // what it wrote while no agent ran is all there: no line lost, none twice
      const text = (await h.ex.logs('counter', { stream: 'stdout', limit: 16 << 20 })).data.toString('utf8');
      const numbers = text
        .trim()
        .split('\n')
        .map((l) => Number(l.split(' ')[1]));
      expect(numbers.length).toBeGreaterThan(50);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));

      // the session that ended while the agent was down: its exit code, exactly
      const short = await h.ex.wait('short');
      expect([short.outcome, short.exit?.code]).toEqual(['failed', 5]);
      expect((await h.ex.logs('short', { stream: 'stdout' })).data.toString()).toBe('done\n');

      // the paused one is still frozen, and resumes
      expect(h.ex.status('frozen').phase).toBe('paused');
      const f1 = (await h.ex.usage('frozen'))!.cpuTotalSec;
      await sleep(300);
      expect((await h.ex.usage('frozen'))!.cpuTotalSec).toBe(f1);
      await h.ex.resume('frozen');
      await waitFor(async () => (await h!.ex.usage('frozen'))!.cpuTotalSec > f1, 'CPU after resume');

      // the time limit set by the first agent still holds
      const limited = await h.ex.wait('limited');
      expect(limited.outcome).toBe('timed-out');

      for (const id of ['counter', 'frozen'])
        expect((await h.ex.terminate(id, { graceMs: 0 })).phase).toBe('ended');
      expect(await h.leftovers()).toEqual([]);
    });

    it('ends a session whose supervisor was killed as lost, and kills what it left', async () => {
      const agent = runAgent(base, [
        { spec: { id: 'orphaned', script: `setsid ${bin} sleep & exec ${bin} sleep` } },
      ]);
      await waitFor(() => agent.isReady(), 'the agent');
      const sup = agent.started.get('orphaned')!.supervisorPid!;
      agent.child.kill('SIGKILL');
      process.kill(sup, 'SIGKILL'); // someone kills the supervisor too: the exit can no longer be observed
      await new Promise((r) => agent.child.once('exit', r));
      const h2 = h ?? (await harness({}, base));
      h = h2;
      await h2.ex.adopt();
      const end = await h2.ex.wait('orphaned');
      expect(end.outcome).toBe('lost');
      expect(end.exit).toBeNull();
      expect(await h2.leftovers()).toEqual([]);
    });

    it('finishes a termination the killed agent had begun, after what is left of its grace: the session ends terminated, nothing is left', async () => {
      // SIGTERM is ignored (inherited across exec): only a kill ends it, once the grace is over
      const agent = runAgent(base, [
        { spec: { id: 'ending', script: `trap '' TERM; exec ${bin} sleep` }, terminate: 3_000 },
      ]);
      await waitFor(() => agent.isReady(), 'the agent');
      const pid = agent.started.get('ending')!.pid!;
      agent.child.kill('SIGKILL');
      await new Promise((r) => agent.child.once('exit', r));
      expect(await isAlive(pid, (await readProcStat(pid))!.startTicks)).toBe(true);
      const recordFile = join(base.dataDir, 'sessions', 'ending', 'record.json');
      const begun = JSON.parse(await readFile(recordFile, 'utf8')).terminate;
      expect(begun.graceMs).toBe(3_000);
      const h2 = h ?? (await harness({}, base));
      h = h2;
      await h2.ex.adopt();
      const end = await h2.ex.wait('ending');
      expect(end.outcome).toBe('terminated');
      // resumed, not begun again: the grace counts from the first agent's start of it
      expect(JSON.parse(await readFile(recordFile, 'utf8')).terminate.atMs).toBe(begun.atMs);
      expect(Date.parse(end.endedAt!)).toBeGreaterThanOrEqual(begun.atMs + 3_000);
      expect(await h2.leftovers()).toEqual([]);
    });
  },
);
