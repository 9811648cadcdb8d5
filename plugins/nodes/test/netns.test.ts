import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, netnsUnavailable } from './helpers/netns-lab.js';
import { api, type Doc, type NodesKernel, startNodesKernel, until } from './helpers/nodes-kernel.js';

/*
 * What only a real network can show: an agent in its own network namespace, the kernel
 * listening on the bridge side of a veth pair. A cut link is silence (no FIN, no RST): the node
 * goes suspect, then down "unreachable" from the gateway's TCP evidence; the old socket's close
 * (the gateway drops it after 10 silent heartbeats) does not turn that into "agent stopped";
 * healed, the agent resumes without a new token. A lossy link keeps the node ready.
 */

const SKIP = netnsUnavailable();
const HB = 500;
const AGENT = join(import.meta.dirname, 'helpers', 'agent-process.ts');

describe.skipIf(SKIP !== undefined)(`nodes on a real network${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let lab: NetnsLab;
  let k: NodesKernel;
  let id = '';
  let tokenId = '';
  const said: Array<Record<string, unknown>> = [];
  const node = async () => (await api<Doc>(k, `/api/v1/nodes/${id}`)).body;

  beforeAll(async () => {
    lab = new NetnsLab();
    k = await startNodesKernel({ config: { host: lab.hostAddr, agents: { heartbeatMs: HB } } });
    await api(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { suspectAfterMs: 3_000, downAfterMs: 6_000, closedGraceMs: 2_000 },
    });
    const t = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 1 } })).body;
    tokenId = t.id;
    const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    lab.spawnIn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', AGENT],
      { AGENT_CONFIG: JSON.stringify({ url: k.url, name: 'ns-1', token: t.token, key }) },
      (line) => said.push(JSON.parse(line) as Record<string, unknown>),
    );
    const welcome = await until(() => said.find((e) => e.event === 'welcome'), 60_000);
    id = String(welcome.node);
    await until(
      async () => (await node()).status.state === 'ready' && (await node()).status.address === lab.nsAddr,
    );
  });
  afterAll(async () => {
    lab?.destroy();
    await k?.close();
  });

  it('a cut link: suspect, then down "unreachable"; the old socket closing later changes nothing; healed, ready without a new token', async () => {
    lab.cut();
    const down = await until(async () => {
      const n = await node();
      return n.status.state === 'down' && n;
    }, 30_000);
    expect(down.status.reason).toMatch(
      new RegExp(
        `^unreachable: no heartbeat for \\d+ s and the kernel's data to ${lab.nsAddr.replaceAll('.', '\\.')} is not acknowledged`,
      ),
    );
    expect(down.status.history.map((h: Doc) => h.state).slice(-2)).toEqual(['suspect', 'down']);
    // The gateway gives up on the silent socket after 10 heartbeats: its close arrives now.
    await until(async () => !(await node()).status.connected, 30_000);
    await new Promise((r) => setTimeout(r, 2 * HB));
    expect((await node()).status.reason).toBe(down.status.reason);

    lab.heal();
    const back = await until(async () => {
      const n = await node();
      return n.status.state === 'ready' && n.status.connected && n;
    }, 60_000);
    expect(back.id).toBe(id);
    expect(back.status.reason).toBe(`connected from ${lab.nsAddr}`);
    expect(back.status.history.some((h: Doc) => String(h.reason).startsWith('agent stopped'))).toBe(false);
    expect((await api<Doc>(k, `/api/v1/nodes/tokens/${tokenId}`)).body.status.used).toBe(1);
  });

  it('a lossy link (20 % of packets dropped each way) keeps the node ready: late heartbeats are tolerated', async () => {
    lab.loss(0.2);
    const states = new Set<string>();
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      states.add((await node()).status.state);
      await new Promise((r) => setTimeout(r, 250));
    }
    lab.clearLoss();
    expect(states.has('down')).toBe(false);
    expect((await node()).status.state).not.toBe('down');
  });
});
