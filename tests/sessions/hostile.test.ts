import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  hostileBinary,
  readLogs,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from './helpers/sessions-cluster.js';

const reason = await skipReason();
if (reason) console.warn(`[tests/sessions/hostile] SKIPPED: ${reason}`);

/**
 * The issue's hostile workloads end to end: through the API, on a real agent process with real
 * cgroups (the executor's own tests in agent/test/exec/hostile.test.ts cover each item one level
 * down; docs/sessions.md has the table).
 */
describe.skipIf(reason !== null)(
  `hostile workloads through the API on a real agent${reason ? ` (skipped: ${reason})` : ''}`,
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

    /** The agent is up and the node still takes sessions. */
    async function agentStillServes() {
      expect(node.agent.child.exitCode).toBeNull();
      expect(node.agent.child.signalCode).toBeNull();
      const id = (await createSession(k, { command: bin, args: ['exit', '0'] })).body.id as string;
      await waitSession(k, id, (s) => s.status.state === 'completed');
    }

    it('an argument list too long for the kernel: a clear reason on the session, the agent stays up', async () => {
      // one argument past MAX_ARG_STRLEN (128 KiB) but within the API's 192 KiB: the kernel refuses it at exec
      const created = await createSession(k, { command: bin, args: ['exit', 'x'.repeat(150 * 1024)] });
      expect(created.status).toBe(201);
      const end = await waitSession(k, created.body.id as string, (s) => s.status.state === 'failed');
      expect(end.status.reason).toMatch(/argument list/i);
      expect(end.status.reason).toMatch(/E2BIG|too long/);
      // more than a command frame holds: refused before anything is sent, naming the field
      const huge = await createSession(k, {
        command: bin,
        args: Array.from({ length: 100 }, () => 'y'.repeat(3000)),
      });
      expect(huge.status).toBe(400);
      expect(huge.body.errors.map((e: Doc) => e.field)).toEqual(['args']);
      await agentStillServes();
    });

    it('exit 137 and a self-inflicted SIGKILL are failures saying what happened, not OOMs', async () => {
      const limits = { resources: { memory: '64M' } };
      const e137 = (await createSession(k, { command: bin, args: ['exit', '137'], ...limits })).body
        .id as string;
      const self = (await createSession(k, { command: bin, args: ['self-kill'], ...limits })).body
        .id as string;
      const a = await waitSession(k, e137, (s) => s.status.state === 'failed');
      const b = await waitSession(k, self, (s) => s.status.state === 'failed');
      expect(a.status.reason).toBe('exited with code 137');
      expect(b.status.reason).toMatch(/^killed by SIGKILL/);
      expect(b.status.reason).not.toMatch(/memory/);
    });

    it('a fork bomb is held at its pids limit and a cancel leaves nothing', async () => {
      const id = (await createSession(k, { command: bin, args: ['fork-bomb'], resources: { pids: 64 } })).body
        .id as string;
      const usage = await until(async () => {
        const r = await api<Doc>(k, `/api/v1/sessions/${id}/usage?fresh=true`);
        const pids = r.body.usage?.pidsCurrent;
        return typeof pids === 'number' && pids >= 60 ? r.body.usage : undefined;
      }, 30_000);
      expect(usage.pidsCurrent).toBeLessThanOrEqual(64);
      await api(k, `/api/v1/sessions/${id}/terminate`, { method: 'POST', body: { graceMs: 0 } });
      await waitSession(k, id, (s) => s.status.state === 'cancelled');
      expect(await node.leftovers()).toEqual([]);
      await agentStillServes();
    });

    it('daemons (double fork, setsid, nohup, a subreaper) are killed when the main process exits', async () => {
      const id = (
        await createSession(k, {
          script: `nohup ${bin} sleep >/dev/null 2>&1 & setsid ${bin} daemon; (${bin} subreaper &); sleep 1; exit 0`,
        })
      ).body.id as string;
      const end = await waitSession(k, id, (s) => s.status.state === 'completed');
      expect(end.status.reason).toBe('exited with code 0');
      expect(await node.leftovers()).toEqual([]);
    });

    it('invalid UTF-8 on stdout comes back byte-exact through the API', async () => {
      const n = 3 * 1024 * 1024; // bytes 0..255 repeating: every invalid UTF-8 lead and continuation byte
      const id = (await createSession(k, { command: bin, args: ['flood', String(n)] })).body.id as string;
      await waitSession(k, id, (s) => s.status.state === 'completed');
      const out = await readLogs(k, id);
      expect(out.length).toBe(n);
      for (let i = 0; i < n; i++) if (out[i] !== i % 256) throw new Error(`byte ${i} is ${out[i]}`);
    });
  },
);
