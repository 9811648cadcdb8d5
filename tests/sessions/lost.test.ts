import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileBinary, skipReason } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { useNetnsLab } from '../substrate/use-netns-lab.js';
import {
  api,
  createSession,
  type Doc,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from './helpers/sessions-cluster.js';

const reason = await skipReason();

describe.skipIf(reason !== null)(
  `a session on a node whose link is cut${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    const lab = useNetnsLab({ hosts: 1 });
    let k: NodesKernel | undefined;
    let node: TestNode | undefined;
    afterAll(async () => {
      if (node) await stopNode(node);
      await k?.close();
    });
    beforeAll(async () => {
      await hostileBinary();
    }, 180_000);

    it('is lost once the node is down (with the node’s reason), and stopped when the node comes back', async (ctx) => {
      const l = lab(ctx);
      const host = l.hosts[0]!;
      k = await startSessionsKernel({ config: { host: l.bridgeAddress } });
      const port = new URL(k.url).port;
      expect(
        (
          await api(k, '/api/v1/nodes/settings', {
            method: 'PUT',
            body: { suspectAfterMs: 2_000, downAfterMs: 4_000 },
          })
        ).status,
      ).toBe(200);
      node = await startNode(k, 'h1', { server: `http://${l.bridgeAddress}:${port}`, lab: { lab: l, host } });
      const bin = await hostileBinary();
      const id = (await createSession(k, { command: bin, args: ['sleep'] })).body.id as string;
      await waitSession(k, id, (s) => s.status.state === 'running');

      await l.cut(host);
      const down = await until(async () => {
        const n = await api<Doc>(k!, '/api/v1/nodes/h1');
        return n.body.status.state === 'down' ? n.body : undefined;
      }, 30_000);
      const lost = await waitSession(k, id, (s) => s.status.state === 'lost', 20_000);
      expect(lost.status.reason).toBe(`node h1 went down: ${down.status.reason}`);
      expect(k.events(['sessions.session.lost']).map((e) => (e.data as Doc).id)).toEqual([id]);
      expect(await node.leftovers()).not.toEqual([]); // cut off, the node still runs it

      await l.heal(host);
      await until(async () => (await api<Doc>(k!, '/api/v1/nodes/h1')).body.status.state === 'ready', 90_000);
      // Reconciled: the plugin ended it, so what still ran on the node is stopped.
      await until(async () => (await node!.leftovers()).length === 0, 30_000);
      const after = await api<Doc>(k, `/api/v1/sessions/${id}`);
      expect(after.body.status.state).toBe('lost');
    }, 240_000);
  },
);
