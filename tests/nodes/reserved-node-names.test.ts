import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlurmNodes } from '../../plugins/nodes/src/slurm/slurm-nodes.js';
import {
  agentKey,
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';

/*
 * Found from outside: an agent started with `--name tokens` (or `settings`, `pending`) joined,
 * and its node could not be reached by name: `GET /api/v1/nodes/tokens` is the token list, so
 * `omega nodes show tokens` printed "Cannot read properties of undefined (reading 'capacity')".
 * Such a join is refused naming the field, costs no use of the token, and is audited.
 */

let k: NodesKernel;
const gateway = (args: unknown) => k.call('nodes.agent-gateway', args) as Promise<Doc>;

beforeAll(async () => {
  k = await startNodesKernel();
});
afterAll(async () => {
  await k?.close();
});

describe('node names that are API paths', () => {
  it('a join named after a fixed route segment is refused; the token keeps its use; a name like it is fine', async () => {
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 1 } });
    expect(minted.status).toBe(201);
    for (const name of ['tokens', 'settings', 'pending']) {
      const out = await gateway({
        op: 'join',
        token: minted.body.token,
        name,
        publicKey: agentKey().publicKey,
        agentVersion: '0.1.0',
        remote: '127.0.0.1',
      });
      expect(out.refused, name).toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
      expect(out.refused.message, name).toContain(`"${name}" is reserved`);
    }
    const token = await api<Doc>(k, `/api/v1/nodes/tokens/${minted.body.id}`);
    expect(token.body.status).toMatchObject({ state: 'active', used: 0 });
    const denied = k.events(['audit.nodes.join']).filter((e) => (e.data as Doc).outcome === 'denied');
    expect(denied.map((e) => (e.data as Doc).details.code)).toEqual(Array(3).fill('OMEGA_ERR_VALIDATION'));

    const ok = await gateway({
      op: 'join',
      token: minted.body.token,
      name: 'tokens-2',
      publicKey: agentKey().publicKey,
      agentVersion: '0.1.0',
      remote: '127.0.0.1',
    });
    expect(ok.node).toMatchObject({ name: 'tokens-2' });
    expect((await api<Doc>(k, '/api/v1/nodes/tokens-2')).body.name).toBe('tokens-2');
  });
});

describe('a rename on a rejoin', () => {
  it('a known agent rejoining under a reserved name is refused and keeps its name', async () => {
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 2 } });
    const { publicKey } = agentKey();
    const join = (name: string) =>
      gateway({
        op: 'join',
        token: minted.body.token,
        name,
        publicKey,
        agentVersion: '0.1.0',
        remote: '127.0.0.1',
      });
    expect((await join('rejoiner')).node).toMatchObject({ name: 'rejoiner' });
    const out = await join('settings');
    expect(out.refused).toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
    expect((await api<Doc>(k, '/api/v1/nodes/rejoiner')).body.name).toBe('rejoiner');
  });
});

describe('Slurm node names that are API paths', () => {
  it('a Slurm node called tokens is mirrored as tokens@<submit host>, findable by that name', () => {
    const s = new SlurmNodes(() => false);
    const node = {
      name: 'tokens',
      state: 'idle',
      reason: null,
      cpus: 4,
      memoryMiB: 1024,
      allocatedCpus: 0,
      allocatedMemoryMiB: 0,
      gpus: 0,
      partitions: [],
    };
    s.update({ id: 'nd-login', name: 'login1' }, [node], 1_000);
    expect(s.sortedByName().map((e) => e.record.name)).toEqual(['tokens@login1']);
    expect(s.find('tokens')).toBeUndefined();
    expect(s.find('tokens@login1')?.record.name).toBe('tokens@login1');
  });
});
