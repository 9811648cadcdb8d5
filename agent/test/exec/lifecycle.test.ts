import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcStat } from '../../src/exec/proc/proc-stat.js';
import { type Harness, harness, hostileBinary, skipReason, waitFor } from './exec-harness.js';

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/lifecycle] SKIPPED: ${reason}`);

const text = async (h: Harness, id: string, stream: 'stdout' | 'stderr' = 'stdout') =>
  (await h.ex.logs(id, { stream, limit: 1 << 20 })).data.toString('utf8');

describe.skipIf(reason !== null)(
  `session lifecycle on this node's cgroups${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let h: Harness;
    let bin: string;
    beforeAll(async () => {
      h = await harness();
      bin = await hostileBinary();
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('runs the command as an allocated uid, inside its cgroup, with no_new_privs and no groups, and reports the exit code exactly', async () => {
      await h.ex.start({
        id: 'basic',
        script:
          'id -u; id -G; grep NoNewPrivs /proc/self/status; cat /proc/self/cgroup; echo "$SECRET"; exit 3',
        env: { SECRET: 's3cr3t' },
      });
      const end = await h.ex.wait('basic');
      expect(end.outcome).toBe('failed');
      expect(end.exit).toEqual({ code: 3, signal: null, coreDumped: false });
      const [uid, groups, nnp, ...rest] = (await text(h, 'basic')).trim().split('\n');
      expect(Number(uid)).toBeGreaterThanOrEqual(h.uidRange[0]);
      expect(Number(uid)).toBeLessThanOrEqual(h.uidRange[1]);
      expect(groups).toBe(uid); // only its own group: supplementary groups cleared
      expect(nnp).toMatch(/NoNewPrivs:\s+1/);
      const cgroupLines = rest.filter((l) => /^\d+:/.test(l));
      expect(cgroupLines.some((l) => l.endsWith('/s+basic'))).toBe(true); // an id not starting with s- gets s+
      expect(rest.at(-1)).toBe('s3cr3t');
      // the terminal state came after the cgroup was emptied and removed
      for (const dir of await h.cgroupDirs('basic')) expect(existsSync(dir)).toBe(false);
      const record = await readFile(`${h.dataDir}/sessions/basic/record.json`, 'utf8');
      expect(record).not.toContain('s3cr3t'); // environment values are never stored
    });

    it('reports exit 137 as a failure, a self-inflicted SIGKILL as a signal, SIGSEGV as SIGSEGV — none of them as an OOM', async () => {
      await h.ex.start({
        id: 'exit137',
        command: bin,
        args: ['exit', '137'],
        resources: { memoryBytes: 64 << 20 },
      });
      await h.ex.start({
        id: 'selfkill',
        command: bin,
        args: ['self-kill'],
        resources: { memoryBytes: 64 << 20 },
      });
      await h.ex.start({ id: 'segv', command: bin, args: ['segv'] });
      const [a, b, c] = await Promise.all([h.ex.wait('exit137'), h.ex.wait('selfkill'), h.ex.wait('segv')]);
      expect([a.outcome, a.exit?.code, a.exit?.signal]).toEqual(['failed', 137, null]);
      expect([b.outcome, b.exit?.code, b.exit?.signal]).toEqual(['signaled', null, 'SIGKILL']);
      expect([c.outcome, c.exit?.signal]).toEqual(['signaled', 'SIGSEGV']);
    });

    it('pause freezes the session (its own CPU counter stands still) and resume makes it run again', async () => {
      await h.ex.start({ id: 'freeze', command: bin, args: ['spin', '2'] });
      await waitFor(
        async () => ((await h.ex.usage('freeze'))?.cpuTotalSec ?? 0) > 0.05,
        'the spinner to burn CPU',
      );
      const paused = await h.ex.pause('freeze', { graceMs: 0 });
      expect(paused.phase).toBe('paused');
      const before = (await h.ex.usage('freeze'))!.cpuTotalSec;
      await sleep(500);
      const after = (await h.ex.usage('freeze'))!.cpuTotalSec;
      expect(after).toBe(before); // frozen: not one microsecond more
      expect((await readProcStat(paused.pid!))?.state).not.toBe('R');
      await h.ex.resume('freeze');
      await waitFor(
        async () => (await h.ex.usage('freeze'))!.cpuTotalSec > after + 0.05,
        'CPU time after resume',
      );
      expect(h.ex.status('freeze').phase).toBe('running');
      await expect(h.ex.resume('freeze')).rejects.toMatchObject({ code: 'OMEGA_ERR_EXEC_STATE' });
      await h.ex.terminate('freeze', { graceMs: 0 });
    });

    it('sends SIGTSTP before it freezes (a handler sees it) and SIGCONT after it thaws', async () => {
      await h.ex.start({ id: 'tstp', command: bin, args: ['tstp-handler'] });
      await waitFor(async () => (await text(h, 'tstp')).includes('ready'), 'the handler to be installed');
      await h.ex.pause('tstp', { graceMs: 200 });
      expect(await text(h, 'tstp')).toContain('got SIGTSTP');
      await h.ex.resume('tstp');
      await waitFor(
        async () => (await text(h, 'tstp')).includes('got SIGCONT'),
        'SIGCONT to reach the handler',
      );
      await h.ex.terminate('tstp', { graceMs: 0 });
    });

    it('terminate: SIGTERM, the grace period, then the whole tree — setsid, nohup and double-forked children too', async () => {
      const script = `trap '' TERM; setsid ${bin} sleep & nohup ${bin} sleep >/dev/null 2>&1 & ${bin} daemon; (${bin} sleep &) ; echo started; while :; do sleep 0.1; done`;
      await h.ex.start({ id: 'tree', script });
      await waitFor(async () => (await text(h, 'tree')).includes('started'), 'the tree to start');
      await waitFor(async () => (await h.leftovers()).length >= 5, 'every process of the tree');
      const t0 = Date.now();
      const end = await h.ex.terminate('tree', { graceMs: 300, reason: 'test' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300); // the main process ignored SIGTERM: the grace ran out
      expect(end.phase).toBe('ended');
      expect(end.outcome).toBe('terminated');
      expect(end.exit?.signal).toBe('SIGKILL');
      expect(await h.leftovers()).toEqual([]);
      for (const dir of await h.cgroupDirs('tree')) expect(existsSync(dir)).toBe(false);
    });

    it('terminate lets a SIGTERM handler finish and reports its exit code', async () => {
      await h.ex.start({
        id: 'graceful',
        script: `trap 'echo bye; exit 7' TERM; echo up; while :; do sleep 0.05; done`,
      });
      await waitFor(async () => (await text(h, 'graceful')).includes('up'), 'the trap to be set');
      const end = await h.ex.terminate('graceful', { graceMs: 20_000 });
      expect([end.outcome, end.exit?.code]).toEqual(['terminated', 7]);
      expect(await text(h, 'graceful')).toContain('bye');
    });

    it('ends a session at its time limit as timed-out', async () => {
      await h.ex.start({ id: 'slow', command: bin, args: ['sleep'], timeLimitSec: 0.5, killGraceMs: 100 });
      const end = await h.ex.wait('slow');
      expect(end.outcome).toBe('timed-out');
      expect(end.reason).toBe('time-limit');
      expect(await h.leftovers()).toEqual([]);
    });

    it('ends a session whose memory crosses its limit late as oom-killed, with its peak memory', async () => {
      const limit = 48 << 20;
      await h.ex.start({
        id: 'leak',
        command: bin,
        args: ['leak', String(2 << 20), '20'],
        resources: { memoryBytes: limit },
      });
      const end = await h.ex.wait('leak');
      expect(end.outcome).toBe('oom-killed');
      expect(end.usage?.memoryPeakBytes).toBeGreaterThan(limit * 0.8);
      expect(end.usage?.memoryPeakBytes).toBeLessThanOrEqual(limit);
      expect(await text(h, 'leak')).toContain(`leaked ${8 << 20}`); // it ran a while before crossing
    });

    it('caps CPU: two spinning threads at 100 millicores get a tenth of a core, measured from the cgroup', async () => {
      await h.ex.start({ id: 'cap', command: bin, args: ['spin', '2'], resources: { millicores: 100 } });
      await waitFor(async () => (await h.ex.usage('cap'))!.cpuTotalSec > 0.02, 'the spinner to run');
      const a = (await h.ex.usage('cap'))!;
      const t0 = performance.now();
      await sleep(2000);
      const b = (await h.ex.usage('cap'))!;
      const ratio = (b.cpuTotalSec - a.cpuTotalSec) / ((performance.now() - t0) / 1000);
      expect(ratio).toBeGreaterThan(0);
      expect(ratio).toBeLessThan(0.15); // unthrottled, two spinning threads would take up to 2.0 cores
      expect(b.throttledPeriods!).toBeGreaterThan(a.throttledPeriods!); // the kernel held it back, period after period
      expect(b.throttledSec!).toBeGreaterThan(a.throttledSec!);
      await h.ex.terminate('cap', { graceMs: 0 });
    });

    it('pins a session to its cores: every thread may run only there, and does', async () => {
      const cpus = h.ex.report().cpus;
      const core = cpus.at(-1)!;
      await h.ex.start({ id: 'pinned', command: bin, args: ['spin', '2'], resources: { cpus: [core] } });
      await waitFor(async () => (await h.ex.usage('pinned'))!.cpuTotalSec > 0.2, 'the spinner to run');
      const pid = h.ex.status('pinned').pid!;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      expect(/Cpus_allowed_list:\s+(\S+)/.exec(status)?.[1]).toBe(String(core));
      for (const task of await readdir(`/proc/${pid}/task`)) {
        const stat = await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8');
        const processor = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]); // field 39: CPU it last ran on
        expect(processor).toBe(core);
      }
      const a = (await h.ex.usage('pinned'))!;
      const t0 = performance.now();
      await sleep(1000);
      const ratio =
        ((await h.ex.usage('pinned'))!.cpuTotalSec - a.cpuTotalSec) / ((performance.now() - t0) / 1000);
      expect(ratio).toBeLessThan(1.15); // two threads, one core
      await expect(
        h.ex.start({ id: 'pinned2', command: bin, args: ['sleep'], resources: { cpus: [core] } }),
      ).rejects.toMatchObject({
        code: 'OMEGA_ERR_EXEC_CPUS_BUSY',
      });
      await h.ex.terminate('pinned', { graceMs: 0 });
    });

    it('shares CPU by weight under contention: weight 400 gets several times what weight 100 gets', async () => {
      await h.ex.start({ id: 'light', command: bin, args: ['spin', '2'], resources: { cpuWeight: 100 } });
      await h.ex.start({ id: 'heavy', command: bin, args: ['spin', '2'], resources: { cpuWeight: 400 } });
      expect(h.ex.status('heavy').enforcement.some((l) => l.startsWith('cpu weight: 400'))).toBe(true);
      await sleep(300);
      const [l0, h0] = [(await h.ex.usage('light'))!.cpuTotalSec, (await h.ex.usage('heavy'))!.cpuTotalSec];
      await sleep(2000);
      const [l1, h1] = [(await h.ex.usage('light'))!.cpuTotalSec, (await h.ex.usage('heavy'))!.cpuTotalSec];
      expect(l1 - l0).toBeGreaterThan(0);
      expect((h1 - h0) / (l1 - l0)).toBeGreaterThan(2); // 4 when both stay runnable; never near 1
      await h.ex.terminate('light', { graceMs: 0 });
      await h.ex.terminate('heavy', { graceMs: 0 });
    });

    it('runs a mapped account as itself and refuses root, system accounts and uids of the allocation range', async () => {
      const s = await h.ex.start({
        id: 'mapped',
        script: 'id -u; id -g; echo "$USER $HOME"',
        user: 'nobody',
      });
      await h.ex.wait('mapped');
      const [uid, gid, env] = (await text(h, 'mapped')).trim().split('\n');
      expect([Number(uid), Number(gid)]).toEqual([s.uid, s.gid]);
      expect(s.user).toBe('nobody');
      expect(env).toMatch(/^nobody \//);
      for (const user of ['root', 0, 'daemon', h.uidRange[0], 'no-such-user']) {
        await expect(h.ex.start({ id: 'refused', command: bin, user })).rejects.toMatchObject({
          code: 'OMEGA_ERR_EXEC_IDENTITY',
        });
      }
    });

    it('searches and downloads a session’s output through the executor', async () => {
      await h.ex.start({
        id: 'grep',
        script: 'for i in 1 2 3 4 5; do echo "line $i"; done; echo "an ERROR here"; printf "tail"',
      });
      await h.ex.wait('grep');
      const found = await h.ex.searchLogs('grep', { stream: 'stdout', pattern: 'ERROR' });
      expect(found.matches.map((m) => [m.offset, m.line.toString()])).toEqual([[35, 'an ERROR here']]);
      const re = await h.ex.searchLogs('grep', { stream: 'stdout', pattern: '^line [24]$', regex: true });
      expect(re.matches.map((m) => m.line.toString())).toEqual(['line 2', 'line 4']);
      await expect(
        h.ex.searchLogs('grep', { stream: 'stdout', pattern: '(', regex: true }),
      ).rejects.toMatchObject({
        code: 'OMEGA_ERR_EXEC_INVALID',
      });
      const all = await buffer(h.ex.downloadLogs('grep', { stream: 'stdout' }));
      expect(all.toString()).toBe('line 1\nline 2\nline 3\nline 4\nline 5\nan ERROR here\ntail');
      await expect(h.ex.logs('grep', { stream: 'stdin' as 'stdout' })).rejects.toMatchObject({
        code: 'OMEGA_ERR_EXEC_INVALID',
      });
      await expect(h.ex.logs('nope', { stream: 'stdout' })).rejects.toMatchObject({
        code: 'OMEGA_ERR_EXEC_NOT_FOUND',
      });
      await h.ex.remove('grep');
      expect(h.ex.list().some((x) => x.id === 'grep')).toBe(false);
    });

    it('keeps sessions apart: no reading another’s environment, no signalling it, no raising its own limits, no leaving its cgroup', async () => {
      await h.ex.start({
        id: 'victim',
        command: bin,
        args: ['sleep'],
        env: { TOKEN: 'victim-secret' },
        resources: { memoryBytes: 32 << 20 },
      });
      const victim = h.ex.status('victim').pid!;
      const mem = (await h.cgroupDirs('intruder')).find((d) => d.includes('/memory/'));
      const probe = [
        `cat /proc/${victim}/environ >/dev/null 2>&1 && echo environ:read || echo environ:denied`,
        `kill -0 ${victim} 2>/dev/null && echo signal:sent || echo signal:denied`,
        mem
          ? `echo 999999999999 > ${mem}/memory.limit_in_bytes 2>/dev/null && echo limit:raised || echo limit:denied`
          : 'echo limit:denied',
        `echo $$ > /sys/fs/cgroup/unified/cgroup.procs 2>/dev/null && echo leave:left || echo leave:denied`,
        `echo $$ > /sys/fs/cgroup/memory/cgroup.procs 2>/dev/null && echo leave1:left || echo leave1:denied`,
      ].join('; ');
      await h.ex.start({ id: 'intruder', script: probe, resources: { memoryBytes: 32 << 20 } });
      await h.ex.wait('intruder');
      expect((await text(h, 'intruder')).trim().split('\n')).toEqual([
        'environ:denied',
        'signal:denied',
        'limit:denied',
        'leave:denied',
        'leave1:denied',
      ]);
      expect(h.ex.status('victim').phase).toBe('running');
      await h.ex.terminate('victim', { graceMs: 0 });
    });

    it('publishes each state change as an event with a reason and a time, `ended` before terminate() resolves', async () => {
      const id = 'events';
      const events: { phase: string; reason: string; at: string }[] = [];
      const off = h.ex.on('state', (e) => {
        if (e.id === id) events.push({ phase: e.phase, reason: e.reason, at: e.at });
      });
      await h.ex.start({ id, command: bin, args: ['sleep'] });
      await h.ex.pause(id, { graceMs: 0 });
      await h.ex.resume(id);
      const end = await h.ex.terminate(id, { graceMs: 0 });
      off(); // nothing may trail: the order is a guarantee, not a race
      expect(end.phase).toBe('ended');
      expect(events.map((e) => `${e.phase}:${e.reason}`)).toEqual([
        'running:started',
        'paused:paused',
        'running:resumed',
        'stopping:terminate-requested',
        'ended:terminated',
      ]);
      for (const e of events) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    });

    it('has published `ended` whenever terminate() or wait() resolves, also when the monitor ends the session meanwhile', async () => {
      // many sessions terminated at once: the 1 s monitor often finds the exit first and ends them itself
      const ids = Array.from({ length: 12 }, (_, i) => `order-${i}`);
      const ended = new Set<string>();
      const off = h.ex.on('state', (e) => {
        if (e.phase === 'ended') ended.add(e.id);
      });
      for (const id of ids) await h.ex.start({ id, command: bin, args: ['sleep'] });
      const seen = await Promise.all(
        ids.map(async (id, i) => {
          if (i % 2) await sleep(i * 40); // spread the kills over the monitor's ticks
          const waited = h.ex.wait(id).then(() => ended.has(id));
          const end = await h.ex.terminate(id, { graceMs: i % 3 === 0 ? 0 : 50 });
          return [end.phase, ended.has(id), await waited];
        }),
      );
      off();
      expect(seen).toEqual(ids.map(() => ['ended', true, true]));
    });
  },
);
