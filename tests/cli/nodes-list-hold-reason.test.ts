import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { newIdentity, TestAgent } from '../agents/test-agent.js';
import { runOmega } from '../helpers/run-omega.js';

/*
 * Walk: after `omega nodes cordon vm --reason "disk swap"`, `omega nodes list` showed the node as
 * `ready,cordoned` with REASON still saying how it joined. The REASON column explains the STATE
 * column: a ready node's cordon or drain shows the operator's reason; uncordoned, its state's.
 */
describe('omega nodes list: the reason of a cordoned node, the load of a node that left', () => {
  let k: NodesKernel;
  let agent: TestAgent;
  beforeAll(async () => {
    k = await startNodesKernel();
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 1 } });
    agent = new TestAgent(k.url, newIdentity(), { mode: 'join', token: minted.body.token, name: 'hold1' });
    expect((await agent.handshake()).ok).toBe(true);
    await until(
      async () => (await api<Doc>(k, '/api/v1/nodes/hold1')).body.status?.state === 'ready',
      10_000,
    );
  });
  afterAll(async () => {
    agent?.close();
    await k?.close();
  });

  let beat = 0;
  const row = async () => {
    // a heartbeat before each listing: the node stays ready however slowly the CLI starts here
    agent.send({ k: 'hb', n: ++beat, t: 0, load: {} });
    const r = await runOmega(['nodes', 'list'], { OMEGA_URL: k.url, OMEGA_TOKEN: k.token });
    const line = r.stdout.split('\n').find((l) => l.startsWith('hold1 '));
    if (r.code !== 0 || line === undefined) throw new Error(`nodes list: exit ${r.code}: ${r.stdout}`);
    return line;
  };

  it('shows the cordon reason while cordoned, and the state reason again after', async () => {
    const joined = (await api<Doc>(k, '/api/v1/nodes/hold1')).body.status.reason as string;
    expect(await row()).toContain(joined);

    const post = (what: string) =>
      api(k, `/api/v1/nodes/hold1/${what}`, { method: 'POST', body: { reason: `${what} for disk swap` } });
    expect((await post('cordon')).status).toBe(200);
    const cordoned = await row();
    expect(cordoned).toMatch(/ ready,cordoned /);
    expect(cordoned).toMatch(/ cordon for disk swap$/);
    expect(cordoned).not.toContain(joined);

    expect((await post('drain')).status).toBe(200);
    expect(await row()).toMatch(/ ready,draining .* drain for disk swap$/);

    expect((await post('uncordon')).status).toBe(200);
    const back = await row();
    expect(back).not.toContain('disk swap');
  }, 60_000);

  // Walk: a node that left kept its last CPU and MEM in the listing, as if it still ran at them.
  it('shows no CPU or MEM for a node that left; show labels its load as the last one, with its time', async () => {
    agent.send({
      k: 'hb',
      n: ++beat,
      t: 0,
      load: { cpu: 0.42, load1: 1.5, memUsed: 3 * 2 ** 30, memTotal: 8 * 2 ** 30 },
    });
    await until(
      async () => (await api<Doc>(k, '/api/v1/nodes/hold1')).body.status?.load?.cpu === 0.42,
      10_000,
    );
    const live = await row();
    expect(live).toMatch(/ 42% +38% /);

    agent.send({ k: 'leave', reason: 'maintenance' });
    await until(async () => (await api<Doc>(k, '/api/v1/nodes/hold1')).body.status?.state === 'left', 10_000);
    const r = await runOmega(['nodes', 'list'], { OMEGA_URL: k.url, OMEGA_TOKEN: k.token });
    const left = r.stdout.split('\n').find((l) => l.startsWith('hold1 ')) ?? '';
    expect(left).toMatch(/^hold1 +left +\S+ +- +- /);
    const show = await runOmega(['nodes', 'show', 'hold1'], { OMEGA_URL: k.url, OMEGA_TOKEN: k.token });
    expect(show.stdout).toMatch(/last load +cpu 42%, load1 1\.5, memory .* \(at \d{4}-\d\d-\d\dT/);
  }, 60_000);
});
