import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  DeclaredSchemas,
  expectDocumented,
  expectRefused,
} from '../../../tests/helpers/declared-schemas.js';
import {
  agentKey,
  api,
  type Doc,
  NODES_DIR,
  type NodesKernel,
  startNodesKernel,
} from './helpers/nodes-kernel.js';

/*
 * The nodes API's declared schemas against a real kernel running the built plugin: bad requests
 * are refused by the kernel naming the field, real answers validate against the response schema
 * dist/plugin.json declares for their status, and the OpenAPI document carries them.
 */

let k: NodesKernel;
let declared: DeclaredSchemas;
const ids: Record<string, string> = {};
const call = (method: string, path: string, body?: unknown): Promise<Answer> =>
  api(k, `/api/v1/nodes${path}`, { method, ...(body === undefined ? {} : { body }) });
/** Calls a route and checks its answer against what `handler` declares. */
const ok = async (handler: string, method: string, path: string, body?: unknown): Promise<Doc> =>
  declared.expectDeclared<Doc>(handler, await call(method, path, body));

beforeAll(async () => {
  k = await startNodesKernel();
  declared = new DeclaredSchemas(join(NODES_DIR, 'dist', 'plugin.json'));
  const minted = await ok('createToken', 'POST', '/tokens', {
    uses: 5,
    ttl: '2h',
    labels: { pool: 'batch' },
  });
  for (const [i, name] of ['alpha', 'bravo', 'charlie'].entries()) {
    const r = (await k.call('nodes.agent-gateway', {
      op: 'join',
      token: minted.token,
      name,
      publicKey: agentKey().publicKey,
      specs: { cpus: 4 },
      remote: `10.203.9.${20 + i}`,
    })) as Doc;
    ids[name] = r.node.id;
  }
});
afterAll(async () => {
  await k?.close();
});

describe('nodes route schemas (real kernel, built plugin)', () => {
  it('refuses bad queries, bodies and path parameters with a 400 naming the field', async () => {
    const tokensBefore = (await ok('listTokens', 'GET', '/tokens')).items.length;
    const settingsBefore = (await ok('getSettings', 'GET', '/settings')).version;
    const node = `/${ids.alpha}`;
    const cases: Array<[string, string, unknown, string[]]> = [
      ['GET', '?state=sleepy&limit=0', undefined, ['state', 'limit']],
      ['GET', `?q=${'x'.repeat(257)}&limit=abc`, undefined, ['q', 'limit']],
      ['GET', `${node}/history?limit=500`, undefined, ['limit']],
      ['PATCH', node, { name: 'renamed', labels: { a: 'not a value!' } }, ['name', 'labels.a']],
      ['PATCH', node, { labels: { 'no spaces': 'x' } }, ['labels.no spaces']],
      ['PATCH', node, { version: -1 }, ['labels', 'version']],
      ['POST', `${node}/cordon`, { deadline: true }, ['reason', 'deadline']],
      ['POST', `${node}/drain`, undefined, ['(body)']],
      ['POST', `${node}/uncordon`, { reason: '   ', version: 'one' }, ['reason', 'version']],
      ['DELETE', `${node}?reason=${'r'.repeat(513)}`, undefined, ['reason']],
      ['GET', '/tokens?state=gone', undefined, ['state']],
      ['POST', '/tokens', { uses: 0, ttl: 'forever', colour: 'red' }, ['uses', 'ttl', 'colour']],
      ['POST', '/tokens', { description: 'd'.repeat(300), labels: { k: 5 } }, ['description', 'labels.k']],
      ['GET', `/tokens/${'t'.repeat(200)}`, undefined, ['token']],
      ['GET', '/pending?all=maybe', undefined, ['all']],
      ['POST', '/pending/abc/approve', { labels: { x: 'no!' } }, ['labels.x']],
      ['POST', '/pending/abc/reject', {}, ['reason']],
      ['PUT', '/settings', { historyMax: 0, bogus: 1, version: 1.5 }, ['historyMax', 'bogus', 'version']],
      ['PUT', '/settings', undefined, ['(body)']],
    ];
    for (const [method, path, body, fields] of cases)
      expectRefused(await call(method, path, body), fields, `${method} ${path.slice(0, 60)}`);
    // None of the refused writes reached the plugin.
    expect((await ok('listTokens', 'GET', '/tokens')).items).toHaveLength(tokensBefore);
    expect((await ok('getSettings', 'GET', '/settings')).version).toBe(settingsBefore);
    const alpha = await ok('getNode', 'GET', node);
    expect(alpha.spec).toEqual({ labels: { pool: 'batch' } });
  });

  it('answers every route with what its response schema declares', async () => {
    const page = await ok('listNodes', 'GET', '?limit=2');
    expect(page.items.map((n: Doc) => n.name)).toEqual(['alpha', 'bravo']);
    await ok(
      'listNodes',
      'GET',
      `?limit=2&cursor=${page.nextCursor}&state=ready&selector=pool=batch&q=10.203`,
    );
    const alpha = await ok('getNode', 'GET', `/${ids.alpha}`);
    expect(alpha.status.specs).toEqual({ cpus: 4 });
    await ok('getNode', 'GET', '/bravo');

    const labelled = await ok('patchNode', 'PATCH', `/${ids.alpha}`, {
      version: alpha.version,
      labels: { rack: 'r1', 'example.com/zone': 'eu-1', pool: null },
    });
    expect(labelled.spec.labels).toEqual({ rack: 'r1', 'example.com/zone': 'eu-1' });
    const deadline = new Date(Date.now() + 3_600_000).toISOString();
    await ok('cordonNode', 'POST', `/${ids.alpha}/cordon`, {
      reason: 'fan',
      deadline,
      version: labelled.version,
    });
    const drained = await ok('drainNode', 'POST', `/${ids.bravo}/drain`, { reason: 'disk', deadline: null });
    expect(drained.status.draining).toBe(true);
    await ok('uncordonNode', 'POST', `/${ids.alpha}/uncordon`, { reason: 'fan replaced' });
    await ok('listNodes', 'GET', '?state=draining');

    const history = await ok('nodeHistory', 'GET', `/${ids.alpha}/history?limit=1`);
    expect(history.items[0].hold).toBe('uncordoned');
    const older = await ok('nodeHistory', 'GET', `/${ids.alpha}/history?cursor=${history.nextCursor}`);
    expect(older.items[0].hold).toBe('cordoned');

    const removed = await ok('removeNode', 'DELETE', `/${ids.charlie}?reason=decommissioned`);
    expect(removed.removed.reason).toBe('decommissioned');

    // Tokens: an empty POST still mints one with every default.
    const bare = await ok('createToken', 'POST', '/tokens');
    expect(bare.spec).toMatchObject({ uses: 1, labels: {} });
    await ok('createToken', 'POST', '/tokens', { ttl: 600, description: 'ten minutes' });
    await ok('getToken', 'GET', `/tokens/${bare.id}`);
    const revoked = await ok('revokeToken', 'DELETE', `/tokens/${bare.id}`);
    expect(revoked.status.state).toBe('revoked');
    await ok('listTokens', 'GET', '/tokens?state=revoked');

    await ok('listPending', 'GET', '/pending?all=true');
    const settings = await ok('getSettings', 'GET', '/settings');
    const put = await ok('putSettings', 'PUT', '/settings', { version: settings.version, historyMax: 50 });
    expect(put.spec.historyMax).toBe(50);

    // Approving and rejecting need an agent announcing on the LAN (tests/nodes/discovery.test.ts):
    // here they are refused, 404, past the schemas.
    expect((await call('POST', `/pending/${agentKey().publicKey}/approve`)).status).toBe(404);
    expect(
      (await call('POST', `/pending/${agentKey().publicKey}/reject`, { reason: 'not ours' })).status,
    ).toBe(404);
    expect(declared.unchecked()).toEqual(['approvePending', 'rejectPending']);
  });

  it('documents every operation with its parameters, body and responses in the OpenAPI document', async () => {
    const doc = (await (await k.api('/api/v1/openapi.json')).json()) as Parameters<
      typeof expectDocumented
    >[0];
    const opIds = expectDocumented(doc, 'nodes', declared.routes);
    // The typed CLI client is generated from these ids: they must not move.
    expect(opIds.listNodes).toBe('nodesGetApiV1Nodes');
    expect(opIds.patchNode).toBe('nodesPatchApiV1NodesId');
    expect(opIds.approvePending).toBe('nodesPostApiV1NodesPendingAgentApprove');
  });
});
