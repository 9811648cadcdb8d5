import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, until } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { newIdentity, ProtocolAgent } from '../../plugins/nodes/test/helpers/protocol-agent.js';
import { useNetnsLab } from '../substrate/use-netns-lab.js';
import { disposeLabAgents, type LabAgent, labAgent, startLabKernel, waitState } from './helpers/cluster.js';

const mint = async (k: NodesKernel, body: Record<string, unknown>) => {
  const r = await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body });
  if (r.status !== 201) throw new Error(`token refused: ${JSON.stringify(r.body)}`);
  return r.body.token as string;
};

/** The audit events of the nodes plugin with this action (and outcome). */
const audits = (k: NodesKernel, action: string, outcome?: string) =>
  k
    .events(['audit.nodes.**'])
    .map((e) => e.data as Doc)
    .filter((d) => d.action === action && (outcome === undefined || d.outcome === outcome));

/**
 * Everything the kernel must refuse, from real agents in a namespace: a reused token, an expired
 * token, a forged node key, a removed node, a replayed frame — each refused with its code and
 * audited, none of them ever logging the secret.
 */
describe('refused and audited: reused and expired tokens, a forged key, a removed node, a replayed frame', () => {
  let k: NodesKernel | undefined;
  let expiring = '';
  let mintedAt = 0;
  const agents: LabAgent[] = [];
  const useLab = useNetnsLab({
    hosts: 1,
    onReady: async (lab) => {
      k = await startLabKernel(lab);
      expiring = await mint(k, { ttl: '1m', uses: 5 });
      mintedAt = Date.now();
    },
  });
  afterAll(async () => {
    await disposeLabAgents(agents);
    await k?.close();
  }, 60_000);
  const ready = (ctx: Parameters<typeof useLab>[0]) => {
    const lab = useLab(ctx);
    if (!k) throw new Error('the kernel did not start');
    return { lab, k };
  };

  it('a reused single-use token: the second agent exits 1 with the kernel’s code, audited', async (ctx) => {
    const { lab, k } = ready(ctx);
    const token = await mint(k, { ttl: '10m', uses: 1 });
    const first = labAgent(lab, k, lab.hosts[0]!, 'r1', { token });
    agents.push(first);
    await first.proc.waitLog((r) => r.msg === 'joined');
    const second = labAgent(lab, k, lab.hosts[0]!, 'r2', { token });
    agents.push(second);
    const exit = await second.proc.exited;
    expect(exit.code).toBe(1);
    const lines = second.proc.stderr().trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^omega-agent: The kernel refused this agent: .*\[OMEGA_ERR_AGENT_REFUSED\]$/,
    );
    expect(second.proc.stderr()).not.toContain(token.split('.')[2]!);
    const denied = await until(() => audits(k, 'join').find((d) => d.outcome !== 'success'), 10_000);
    expect(JSON.stringify(denied)).not.toContain(token.split('.')[2]!);
  }, 90_000);

  it('a forged node key (another key claiming a joined node): refused and audited; the real node unharmed', async (ctx) => {
    const { lab, k } = ready(ctx);
    const real = agents.find((a) => a.name === 'r1')!;
    const forgedDir = mkdtempSync(join(tmpdir(), 'omega-agent-forged-'));
    copyFileSync(join(real.dataDir, 'agent.json'), join(forgedDir, 'agent.json'));
    const forged = labAgent(lab, k, lab.hosts[0]!, 'r1', { dataDir: forgedDir });
    agents.push(forged);
    expect((await forged.proc.exited).code).toBe(1);
    expect(forged.proc.stderr()).toMatch(/\[OMEGA_ERR_AGENT_REFUSED\]\n$/);
    await until(() => audits(k, 'identify').find((d) => d.outcome !== 'success'), 10_000);
    expect((await waitState(k, 'r1', 'ready')).status.connected).toBe(true);
  }, 90_000);

  it('a replayed heartbeat frame closes the session (4400) and is audited', async (ctx) => {
    const { k } = ready(ctx);
    const token = await mint(k, { ttl: '10m', uses: 1 });
    const a = new ProtocolAgent({ url: k.url, identity: newIdentity(), name: 'replayer', token });
    expect((await a.connect()).ok).toBe(true);
    a.stopHeartbeats();
    const kept = a.sendKept({ k: 'hb', n: 1, t: Date.now(), load: {} });
    await a.waitFor((m) => m.k === 'hback');
    a.ws?.send(kept);
    expect((await a.waitClosed()).code).toBe(4400);
    await until(() => audits(k, 'frame.refused').find((d) => d.outcome === 'denied'), 10_000);
    a.kill();
  }, 60_000);

  it('a removed node: its agent is cut off, its resume refused (exit 1), both audited', async (ctx) => {
    const { k } = ready(ctx);
    const real = agents.find((a) => a.name === 'r1' && a.proc.logs.some((r) => r.msg === 'joined'))!;
    const del = await k.api('/api/v1/nodes/r1?reason=decommissioned', { method: 'DELETE' });
    expect(del.status).toBeLessThan(300);
    const exit = await real.proc.exited;
    expect(exit.code).toBe(1);
    expect(real.proc.stderr()).toMatch(/\[OMEGA_ERR_AGENT_REFUSED\]\n$/);
    expect(audits(k, 'remove', 'success')).toHaveLength(1);
    expect((await api<Doc>(k, '/api/v1/nodes/r1')).status).toBe(404);
  }, 90_000);

  it('an expired token is refused with its reason and audited', async (ctx) => {
    const { lab, k } = ready(ctx);
    // The shortest token lives a minute: wait out what is left of it (bounded).
    const left = mintedAt + 61_000 - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const late = labAgent(lab, k, lab.hosts[0]!, 'r3', { token: expiring });
    agents.push(late);
    expect((await late.proc.exited).code).toBe(1);
    expect(late.proc.stderr()).toMatch(/expired/i);
    await until(
      () => audits(k, 'join').find((d) => d.outcome !== 'success' && /expired/i.test(JSON.stringify(d))),
      10_000,
    );
  }, 150_000);
});
