import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostileBinary, skipReason } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  cgroupCpuUsec,
  createSession,
  type Doc,
  readLogs,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from './helpers/sessions-cluster.js';

const reason = await skipReason();

/** The first line a session printed: its main pid (`echo $$`). */
async function mainPid(k: NodesKernel, id: string): Promise<number> {
  const text = await until(async () => {
    const t = (await readLogs(k, id)).toString();
    return /^\d+\n/.test(t) ? t : undefined;
  }, 20_000);
  return Number(text.split('\n')[0]);
}

const cpuUsage = (pid: number) => cgroupCpuUsec(pid) * 1000;

describe.skipIf(reason !== null)(
  `sessions on a real agent with real cgroups, through the API${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let k: NodesKernel;
    let node: TestNode;
    let bin: string;
    beforeAll(async () => {
      bin = await hostileBinary();
      k = await startSessionsKernel();
      node = await startNode(k, 'h1');
    }, 180_000);
    afterEach(async () => {
      if (k) await cancelAll(k);
    });
    afterAll(async () => {
      if (node) await stopNode(node);
      await k?.close();
    });

    it('runs, pauses to zero CPU measured from the cgroup, resumes, and cancels leaving no process', async () => {
      const created = await createSession(k, {
        name: 'spinner',
        script: `echo $$; setsid sleep 7771 & (sleep 7772 &); exec ${bin} spin 1`,
        resources: { cores: 1, memory: '64M' },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect(created.body.owner.id).toBe('admin');
      const running = await waitSession(k, id, (s) => s.status.state === 'running');
      expect(running.status.reason).toBe('running on h1');
      expect(running.status.placement.cpus).toHaveLength(1);
      expect(running.status.enforcement.join('\n')).toMatch(
        /^pinned cores: cpus \d+ mems 0 \(cgroup v\d cpuset\)$/m,
      );
      const pid = await mainPid(k, id);
      // Pinned: the spinner may run on its core only.
      const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      expect(allowed).toBe(String(running.status.placement.cpus[0]));

      const paused = await api<Doc>(k, `/api/v1/sessions/${id}/pause`, { method: 'POST' });
      expect(paused.status).toBe(200);
      expect(paused.body.status.state).toBe('paused');
      expect(paused.body.status.reason).toMatch(/^paused by admin \(/);
      const a = cpuUsage(pid);
      await sleep(1000);
      expect(cpuUsage(pid)).toBe(a); // frozen: not one nanosecond of CPU

      const resumed = await api<Doc>(k, `/api/v1/sessions/${id}/resume`, { method: 'POST' });
      expect(resumed.body.status.state).toBe('running');
      await until(() => cpuUsage(pid) > a + 50_000_000, 10_000);
      const usage = await until(async () => {
        const u = await api<Doc>(k, `/api/v1/sessions/${id}/usage`);
        return u.body.usage?.cpuTotalSec > 0 ? u.body : undefined;
      });
      expect(usage.usage.source).toBe('cgroup');

      const cancelled = await api<Doc>(k, `/api/v1/sessions/${id}/terminate`, {
        method: 'POST',
        body: { reason: 'test done', graceMs: 500 },
      });
      expect([200, 202]).toContain(cancelled.status);
      const end = await waitSession(k, id, (s) => s.status.state === 'cancelled');
      expect(end.status.reason).toBe('cancelled by admin: test done');
      expect(end.history.map((h: Doc) => h.state)).toEqual([
        'pending',
        'starting',
        'running',
        'paused',
        'running',
        'terminating',
        'cancelled',
      ]);
      expect(await node.leftovers()).toEqual([]); // the setsid grandchild and the double fork too
      const topics = k.events(['sessions.session.*']).map((e) => `${e.topic}`);
      expect(topics).toContain('sessions.session.cancelled');
      const audit = k.events(['audit.sessions.*']).filter((e) => (e.data as Doc).target === id);
      expect(audit.map((e) => e.topic)).toEqual(
        expect.arrayContaining([
          'audit.sessions.create',
          'audit.sessions.paused',
          'audit.sessions.cancelled',
        ]),
      );
      expect(audit.find((e) => e.topic === 'audit.sessions.paused')?.data).toMatchObject({ actor: 'admin' });
    });

    it('ends a session over its memory limit as oom-killed with its peak', async () => {
      const created = await createSession(k, {
        command: bin,
        args: ['leak', String(2 << 20), '10'],
        resources: { memory: '48M' },
      });
      const id = created.body.id as string;
      const end = await waitSession(k, id, (s) => s.status.state === 'oom-killed', 90_000);
      expect(end.status.reason).toMatch(/^out of memory: the 48 MiB limit was reached \(peak \d/);
      expect(end.status.peakMemoryBytes).toBeGreaterThan(40 << 20);
      expect(await node.leftovers()).toEqual([]);
    }, 120_000);

    it('reports exit codes and signals as failed, exit 0 as completed', async () => {
      const ok = (await createSession(k, { command: bin, args: ['exit', '0'] })).body.id as string;
      const bad = (await createSession(k, { command: bin, args: ['exit', '3'] })).body.id as string;
      const segv = (await createSession(k, { command: bin, args: ['segv'] })).body.id as string;
      expect((await waitSession(k, ok, (s) => s.status.state === 'completed')).status.reason).toBe(
        'exited with code 0',
      );
      expect((await waitSession(k, bad, (s) => s.status.state === 'failed')).status.reason).toBe(
        'exited with code 3',
      );
      expect((await waitSession(k, segv, (s) => s.status.state === 'failed')).status.reason).toMatch(
        /^killed by SIGSEGV/,
      );
    });

    it('caps CPU at its millicores, measured from the cgroup', async () => {
      const id = (
        await createSession(k, { script: `echo $$; exec ${bin} spin 2`, resources: { millicores: 200 } })
      ).body.id as string;
      const pid = await mainPid(k, id);
      await waitSession(k, id, (s) => s.status.state === 'running');
      const a = cpuUsage(pid);
      const t0 = performance.now();
      await sleep(2000);
      const cores = (cpuUsage(pid) - a) / 1e9 / ((performance.now() - t0) / 1000);
      expect(cores).toBeGreaterThan(0);
      expect(cores).toBeLessThan(0.3); // two spinning threads held to a fifth of a core
      await api(k, `/api/v1/sessions/${id}/terminate`, { method: 'POST', body: { graceMs: 0 } });
      await waitSession(k, id, (s) => s.status.state === 'cancelled');
    });

    it('streams a running session’s logs with a long poll, exact bytes', async () => {
      const id = (await createSession(k, { script: 'for i in 1 2 3 4 5; do echo $i; sleep 0.3; done' })).body
        .id as string;
      await waitSession(k, id, (s) => s.status.state === 'running');
      const first = await api<Doc>(k, `/api/v1/sessions/${id}/logs?offset=0&wait=10`);
      expect(first.status).toBe(200);
      expect(Buffer.from(first.body.data, 'base64').length).toBeGreaterThan(0);
      const all = await readLogs(k, id, 'stdout', 10);
      expect(all.toString()).toBe('1\n2\n3\n4\n5\n');
      await waitSession(k, id, (s) => s.status.state === 'completed');
    });

    it('refuses a bad spec naming the field', async () => {
      // A field that breaks the spec's schema: the kernel refuses it before the plugin runs.
      const r = await createSession(k, {
        command: 'true',
        resources: { cores: 1, millicores: 10 },
        timeLimit: 'soon',
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(r.body.errors.map((e: Doc) => e.field)).toEqual(['timeLimit']);
      // A rule across fields (cores or millicores): the plugin refuses it.
      const both = await createSession(k, { command: 'true', resources: { cores: 1, millicores: 10 } });
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(both.body.errors.map((e: Doc) => e.field)).toEqual(['resources.cores']);
    });
  },
);
