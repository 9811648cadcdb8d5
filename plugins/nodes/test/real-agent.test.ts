import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, startNodesKernel, until } from './helpers/nodes-kernel.js';
import { REAL_AGENT_MISSING, RealAgent } from './helpers/real-agent.js';

/*
 * The registry and its state machine with the product agent (`omega-agent` processes) against
 * a real kernel on loopback: join with a token and specs, heartbeats with load, commands,
 * restart without a token, SIGTERM → left, SIGKILL → down "agent stopped responding", SIGSTOP
 * (a hung process: its machine still acknowledges) → down "agent hung", removal. Cut and
 * degraded links need network namespaces: netns.test.ts.
 */

const HB = 500;
let k: NodesKernel;
let token: string;
const running: RealAgent[] = [];
const node = async (ref: string): Promise<Doc> => (await api<Doc>(k, `/api/v1/nodes/${ref}`)).body;
const sessions = { plugin: 'sessions', version: '0.1.0' };

async function started(
  name: string,
  capacity?: RealAgent['o']['capacity'],
): Promise<{ agent: RealAgent; n: Doc }> {
  const agent = new RealAgent({ server: k.url, name, token, ...(capacity ? { capacity } : {}) });
  running.push(agent);
  agent.start();
  const n = await until(async () => {
    agent.assertRunning();
    const v = await node(name);
    return v.status?.state === 'ready' && v.status.connected && v.status.load && v;
  }, 60_000).catch((err) => {
    throw new Error(`${name} did not become ready: ${err.message}\n${agent.output}`);
  });
  return { agent, n };
}

const reasonOnceDown = (name: string) =>
  until(async () => {
    const v = await node(name);
    return v.status.state === 'down' && v;
  }, 60_000);

describe.skipIf(REAL_AGENT_MISSING !== undefined)(
  `the product agent${REAL_AGENT_MISSING ? ` (skipped: ${REAL_AGENT_MISSING})` : ''}`,
  () => {
    beforeAll(async () => {
      k = await startNodesKernel({ config: { host: '127.0.0.1', agents: { heartbeatMs: HB } } });
      await api(k, '/api/v1/nodes/settings', {
        method: 'PUT',
        body: { suspectAfterMs: 2_000, downAfterMs: 4_000, closedGraceMs: 3_000 },
      });
      token = (
        await api<Doc>(k, '/api/v1/nodes/tokens', {
          method: 'POST',
          body: { uses: 20, labels: { real: 'yes' } },
        })
      ).body.token;
    });
    afterEach(async () => {
      for (const a of running.splice(0)) await a.dispose();
    });
    afterAll(async () => {
      await k?.close();
    });

    it('joins with specs (its configured capacity), heartbeats load, answers ping and specs, restarts without a token', async () => {
      const { agent, n } = await started('real-1', { cores: 3, threads: 6, memoryBytes: 6e9 });
      expect(n.status.capacity).toMatchObject({ cores: 3, threads: 6, memoryBytes: 6e9 });
      expect(n.spec.labels).toEqual({ real: 'yes' });
      expect(n.status.specs.hostname).toEqual(expect.any(String));
      expect(n.status.load.memTotal).toBeGreaterThan(0);
      const ping = (await k.call(
        'nodes.command',
        { node: 'real-1', id: 'ping-1', op: 'ping' },
        sessions,
      )) as Doc;
      expect(ping).toMatchObject({ ok: true, data: { pong: true, agentTime: expect.any(Number) } });
      const specs = (await k.call(
        'nodes.command',
        { node: 'real-1', id: 'specs-1', op: 'specs' },
        sessions,
      )) as Doc;
      expect(specs.data.capacity).toMatchObject({ cores: 3 });
      const nope = (await k.call(
        'nodes.command',
        { node: 'real-1', id: 'nope-1', op: 'no.such.op' },
        sessions,
      )) as Doc;
      expect(nope).toMatchObject({ ok: false, error: { code: 'OMEGA_ERR_NOT_FOUND' } });
      // SIGTERM: a graceful leave.
      agent.signal('SIGTERM');
      await agent.exited();
      await until(async () => (await node('real-1')).status.state === 'left');
      expect((await node('real-1')).status.reason).toMatch(/^left: /);
      // Restart without a token: the identity in its data dir resumes the same node.
      agent.start(false);
      const back = await until(async () => {
        const v = await node('real-1');
        return v.status.state === 'ready' && v.status.connected && v;
      }, 60_000);
      expect(back.id).toBe(n.id);
      // A repeated command id is answered from the agent's journal, across the restart.
      expect(await k.call('nodes.command', { node: 'real-1', id: 'ping-1', op: 'ping' }, sessions)).toEqual(
        ping,
      );
    });

    it('SIGKILL → down "agent stopped responding"; SIGSTOP (hung) → down "agent hung", then ready on SIGCONT', async () => {
      const killed = await started('real-2');
      killed.agent.signal('SIGKILL');
      const down = await reasonOnceDown('real-2');
      expect(down.status.reason).toMatch(/^agent stopped responding: connection closed without leave at /);

      const hung = await started('real-3');
      hung.agent.signal('SIGSTOP');
      const h = await reasonOnceDown('real-3');
      expect(h.status.reason).toMatch(
        /^agent hung: its machine acknowledges but the agent has not answered for \d+ s/,
      );
      hung.agent.signal('SIGCONT');
      await until(async () => (await node('real-3')).status.state === 'ready', 60_000);
    });

    it('removal revokes the identity: the running agent is disconnected and refused from then on', async () => {
      const { agent, n } = await started('real-4');
      const r = await api<Doc>(k, `/api/v1/nodes/${n.id}?reason=decommissioned`, { method: 'DELETE' });
      expect(r.status).toBe(200);
      await until(
        () =>
          k
            .events(['audit.nodes.identify'])
            .some(
              (e) =>
                (e.data as Doc).details.code === 'NODES_ERR_NODE_REMOVED' && (e.data as Doc).target === n.id,
            ),
        60_000,
      );
      expect((await api(k, `/api/v1/nodes/${n.id}`)).status).toBe(404);
      expect(agent.proc?.exitCode === null || agent.proc?.exitCode !== 0).toBe(true);
    });
  },
);
