import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileBinary, skipReason } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
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

const usageOf = async (k: NodesKernel, id: string): Promise<number> =>
  ((await api<Doc>(k, `/api/v1/sessions/${id}/usage`)).body.usage?.cpuTotalSec as number | undefined) ?? 0;

describe.skipIf(reason !== null)(
  `an agent SIGKILLed and restarted adopts its sessions${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let k: NodesKernel;
    let node: TestNode;
    let bin: string;
    beforeAll(async () => {
      bin = await hostileBinary();
      k = await startSessionsKernel();
      // The restart takes a few seconds: the node must not be judged down meanwhile.
      await api(k, '/api/v1/nodes/settings', {
        method: 'PUT',
        body: { closedGraceMs: 120_000, suspectAfterMs: 60_000, downAfterMs: 120_000 },
      });
      node = await startNode(k, 'h1');
    }, 180_000);
    afterAll(async () => {
      if (k) await cancelAll(k).catch(() => {});
      if (node) await stopNode(node);
      await k?.close();
    });

    it('keeps running sessions with continuous usage, and reports an end that happened while it was down', async () => {
      const spinner = (
        await createSession(k, { script: `echo $$; exec ${bin} spin 1`, resources: { millicores: 500 } })
      ).body.id as string;
      const short = (await createSession(k, { script: 'sleep 3; echo done; exit 4' })).body.id as string;
      await waitSession(k, spinner, (s) => s.status.state === 'running');
      await waitSession(k, short, (s) => s.status.state === 'running');
      const pid = Number((await until(async () => (await readLogs(k, spinner)).toString())).split('\n')[0]);
      const before = await until(async () => {
        const u = await usageOf(k, spinner);
        return u > 0.2 ? u : undefined;
      }, 20_000);

      node.agent.kill('SIGKILL');
      await node.agent.exited;
      await sleep(4000); // the short session ends while no agent runs
      expect(() => process.kill(pid, 0)).not.toThrow(); // the spinner never stopped
      await node.restart();

      const ended = await waitSession(k, short, (s) => s.status.state === 'failed', 60_000);
      expect(ended.status.reason).toBe('exited with code 4');
      expect((await readLogs(k, short)).toString()).toBe('done\n');
      const adopted = await waitSession(
        k,
        spinner,
        (s) => s.status.state === 'running' && s.status.usage?.cpuTotalSec > before,
      );
      expect(adopted.history.map((h: Doc) => h.state)).toEqual(['pending', 'starting', 'running']);
      // Usage goes on from where the first agent saw it (cgroup counters never reset): ~0.5 core for the gap.
      const after = await usageOf(k, spinner);
      expect(after).toBeGreaterThan(before + 1);
      const paused = await api<Doc>(k, `/api/v1/sessions/${spinner}/pause`, { method: 'POST' });
      expect(paused.body.status.state).toBe('paused'); // the new agent controls it
      await api(k, `/api/v1/sessions/${spinner}/terminate`, { method: 'POST', body: { graceMs: 0 } });
      await waitSession(k, spinner, (s) => s.status.state === 'cancelled');
      expect(await node.leftovers()).toEqual([]);
    }, 180_000);
  },
);
