import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

/*
 * Idempotency-Key on the kernel's own routes, whose body is a zod schema (not `json` as a plugin
 * route's): the key was ignored there, so a retried POST /api/v1/events published a second event,
 * and a key plugin routes refuse (too long) was taken. They now get what plugin routes get (see
 * tests/http/idempotency.test.ts): the same key check, the same replay, the same fingerprint.
 */

const TOPIC = 'ops.test.idempotent';

describe('Idempotency-Key on kernel routes with a schema body', () => {
  let k: TempKernel;
  let pluginsDir: string;
  beforeAll(async () => {
    // A plugin route without schemas takes any query: the witness of the fingerprint's query.
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-idem-'));
    writePluginDir(
      pluginsDir,
      'qs',
      `export const plugin = { setup() { let n = 0; return { routes: {
        async run(req) { return { status: 201, body: { n: ++n, query: req.query } }; },
      } }; } };`,
      {
        permissions: ['http:routes'],
        routes: [{ method: 'POST', path: '/run', handler: 'run', permission: 'qs:write' }],
      },
    );
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(grantsFile, JSON.stringify({ qs: { granted: ['http:routes'], denied: [] } }));
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const post = async (path: string, body: unknown, key?: string) => {
    const res = await k.api(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      replayed: res.headers.get('idempotency-replayed'),
      body: (await res.json()) as {
        seq?: number;
        kid?: string;
        code?: string;
        errors?: { field: string }[];
        n?: number;
        query?: unknown;
      },
    };
  };
  const published = (since: number) => {
    const events = k.kernel.bus.replay(since, [TOPIC]);
    if (events === 'too-old') throw new Error('replay window passed');
    return events;
  };

  it('POST /api/v1/events: a retry with the key replays the first answer and publishes nothing more', async () => {
    const since = k.kernel.bus.lastSeq;
    const first = await post('/api/v1/events', { topic: TOPIC, data: { n: 1 } }, 'publish-1');
    expect(first.status).toBe(202);
    expect(first.replayed).toBeNull();
    const retry = await post('/api/v1/events', { topic: TOPIC, data: { n: 1 } }, 'publish-1');
    expect(retry).toMatchObject({ status: 202, replayed: 'true', body: { seq: first.body.seq } });
    expect(published(since).map((e) => e.seq)).toEqual([first.body.seq]);
    // The key is bound to the parsed body: another event with it is refused, not published.
    const other = await post('/api/v1/events', { topic: TOPIC, data: { n: 2 } }, 'publish-1');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('OMEGA_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(published(since)).toHaveLength(1);
  });

  it('binds the key to the query string too: the same body under another query is refused, not replayed', async () => {
    // A route's query changes what it does (install ?dryRun=true, then ?consent=…): a retry of
    // the second must not get the first's answer. The kernel's own routes refuse a query they do
    // not document, so the witness is a plugin route without schemas (any query, once each).
    const first = await post('/api/v1/qs/run?try=1', { same: 'body' }, 'run-q');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ n: 1, query: { try: '1' } });
    const other = await post('/api/v1/qs/run?try=2', { same: 'body' }, 'run-q');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('OMEGA_ERR_IDEMPOTENCY_KEY_REUSED');
    const same = await post('/api/v1/qs/run?try=1', { same: 'body' }, 'run-q');
    expect(same).toMatchObject({ status: 201, replayed: 'true', body: { n: 1 } });
  });

  it('refuses a key plugin routes refuse (400 naming Idempotency-Key), publishing nothing', async () => {
    const since = k.kernel.bus.lastSeq;
    for (const key of ['k'.repeat(200), 'has spaces']) {
      const res = await post('/api/v1/events', { topic: TOPIC }, key);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['Idempotency-Key']);
    }
    expect(published(since)).toEqual([]);
    expect((await post('/api/v1/events', { topic: TOPIC }, 'k'.repeat(128))).status).toBe(202);
  });

  it('POST /api/v1/plugins/publishers: a retry replays the 201 with the same key id', async () => {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const first = await post('/api/v1/plugins/publishers', { jwk, name: 'ci' }, 'trust-1');
    expect(first.status).toBe(201);
    const retry = await post('/api/v1/plugins/publishers', { jwk, name: 'ci' }, 'trust-1');
    expect(retry).toMatchObject({ status: 201, replayed: 'true', body: { kid: first.body.kid } });
    expect((await post('/api/v1/plugins/publishers', { jwk, name: 'ci' }, 'k'.repeat(200))).status).toBe(400);
  });
});
