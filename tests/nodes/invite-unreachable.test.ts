import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, until } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { useNetnsLab } from '../substrate/use-netns-lab.js';
import { type AgentProcess, startAgent } from './helpers/agent-process.js';
import { startLabKernel, waitState } from './helpers/cluster.js';

const invite = (address: string, port: number, body: unknown) =>
  fetch(`http://${address}:${port}/omega/invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });

/** A port on `address` where nothing listens (bound, then closed). */
async function closedPort(address: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, address, r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/*
 * Found from outside: anyone on the LAN may post an invitation naming a kernel at its own
 * address (the only check: an IP must be the sender's). Naming a port where nothing answers,
 * the agent accepted it and retried that "kernel" for ever with back-off, and its one-use
 * approval listener stayed used: the real approval got 409 OMEGA_ERR_AGENT_INVITE_USED, and
 * the machine could not be enrolled until someone restarted its agent. An invited join now
 * gives the invitation up after three failed connects and listens again.
 */
describe('discovery: an invitation to a kernel that never answers does not block the real one', () => {
  let k: NodesKernel | undefined;
  let proc: AgentProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-agent-inv-'));
  const useLab = useNetnsLab({
    hosts: 1,
    onReady: async (lab) => {
      k = await startLabKernel(lab);
    },
  });
  afterAll(async () => {
    proc?.kill('SIGKILL');
    await proc?.exited;
    await k?.close();
    removeDir(dataDir); // with the agent's default sessions work root, `${dataDir}-work`
  }, 60_000);

  it('gives a dead invitation up, listens again, and joins with the next one', async (ctx) => {
    const lab = useLab(ctx);
    if (!k) throw new Error('the kernel did not start');
    const host = lab.hosts[0]!;
    const env = { OMEGA_AGENT_SERVER: '', OMEGA_AGENT_JOIN_TOKEN: '' };
    proc = startAgent({
      lab: { lab, host },
      args: [
        '--name',
        'inv1',
        '--data-dir',
        dataDir,
        '--discovery-interface',
        host.device,
        '--discovery-port',
        '0',
      ],
      env,
    });
    const waiting = await until(() => /invitations on port (\d+)/.exec(proc!.stderr()) ?? undefined, 30_000);
    const port = Number(waiting[1]);

    // The hostile invitation: from the bridge's address, naming that address and a closed port.
    const dead = await invite(host.address, port, {
      server: `http://${lab.bridgeAddress}:${await closedPort(lab.bridgeAddress)}`,
      token: 'omg-join.aaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    });
    expect(dead.status).toBe(202);

    // The operator’s approval: accepted once the dead one is given up (before: 409 for ever); the node joins.
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 1 },
    });
    const real = await until(async () => {
      const r = await invite(host.address, port, { server: k!.url, token: minted.body.token });
      return r.status === 202 ? r : undefined;
    }, 30_000);
    expect(real.status).toBe(202);
    expect((await waitState(k, 'inv1', 'ready', 30_000)).name).toBe('inv1');
  }, 120_000);
});
