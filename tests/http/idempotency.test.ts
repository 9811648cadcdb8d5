import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { GOOD_PASSWORD, securityPluginsDir } from '../security/security-kernel.js';

/*
 * Idempotency-Key on mutating requests, against the real security plugin's user routes: a retry
 * replays the first answer (also after a kernel restart), the same key for another request is
 * refused, a concurrent duplicate never runs the work twice.
 */

const USERS = '/api/v1/security/users';

describe('Idempotency-Key', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const start = (dataDir?: string) =>
    startTempKernel({ ...(dataDir ? { dataDir } : {}), plugins: { dirs: [pluginsDir], warmHosts: 0 } });

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    k = await start();
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const create = async (username: string, key?: string) => {
    const res = await k.api(USERS, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ username, password: GOOD_PASSWORD, roles: [] }),
    });
    return {
      status: res.status,
      replayed: res.headers.get('idempotency-replayed'),
      body: (await res.json()) as { id?: string; code?: string },
    };
  };
  const count = async (username: string) => {
    const res = await k.api(`${USERS}?limit=200`);
    const body = (await res.json()) as { items: { username: string }[] };
    return body.items.filter((u) => u.username === username).length;
  };

  it('a retry replays the first answer instead of running again; another body with the key is refused', async () => {
    const first = await create('ann', 'key-ann-1');
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    const retry = await create('ann', 'key-ann-1');
    expect(retry).toMatchObject({ status: 201, replayed: 'true', body: { id: first.body.id } });
    expect(await count('ann')).toBe(1);
    expect((await create('bob', 'key-ann-1')).body.code).toBe('OMEGA_ERR_IDEMPOTENCY_KEY_REUSED');
    // Without a key the second create runs, and the plugin says the name is taken.
    expect((await create('ann')).status).toBe(409);
    expect((await create('ann', 'bad key with spaces')).status).toBe(400);
  });

  it('concurrent duplicates: the work runs once; the others replay it or are told it is still running', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => create('cid', 'key-cid')));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.body.code).toBe('OMEGA_ERR_IDEMPOTENCY_IN_PROGRESS');
    }
    expect(await count('cid')).toBe(1);
  });

  it('a kept answer survives a kernel restart', async () => {
    const first = await create('dan', 'key-dan');
    expect(first.status).toBe(201);
    const dataDir = k.dataDir;
    await k.stop();
    k = await start(dataDir);
    const retry = await create('dan', 'key-dan');
    expect(retry).toMatchObject({ status: 201, replayed: 'true', body: { id: first.body.id } });
    expect(await count('dan')).toBe(1);
  }, 60_000);
});
