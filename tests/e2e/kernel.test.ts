import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PUBLIC } from '../../kernel/auth/index.js';
import { defineRoute } from '../../kernel/http/route.js';
import { selfSignedCert } from '../helpers/self-signed-cert.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

type Json = Record<string, unknown>;

function openStream(url: string, query: string, token: string): Promise<{ ws: WebSocket; frames: Json[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/events?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const frames: Json[] = [];
    ws.on('message', (m) => frames.push(JSON.parse(String(m)) as Json));
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function until<T>(fn: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('kernel end to end', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startTempKernel();
  });
  afterAll(async () => {
    await k.stop();
    removeDir(k.dataDir);
  });

  it('answers health and readiness without credentials', async () => {
    expect(await (await k.api('/api/v1/health', { token: false })).json()).toEqual({ status: 'ok' });
    const ready = await k.api('/api/v1/ready', { token: false });
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as Json).status).toBe('ready');
  });

  it('reports version, uptime and plugins to an authorised caller only', async () => {
    expect((await k.api('/api/v1/kernel', { token: false })).status).toBe(401);
    expect((await k.api('/api/v1/kernel', { token: 'wrong-token-wrong-token' })).status).toBe(401);
    const info = (await (await k.api('/api/v1/kernel')).json()) as Json;
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.uptimeSec).toBeGreaterThanOrEqual(0);
    expect(Array.isArray(info.plugins)).toBe(true);
  });

  it('publishes an OpenAPI 3.1 document generated from the route table', async () => {
    const doc = (await (await k.api('/api/v1/openapi.json', { token: false })).json()) as Json;
    expect(doc.openapi).toBe('3.1.0');
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const sockets = doc['x-omega-websockets'] as Json[];
    for (const route of k.kernel.routes.list()) {
      // WebSocket upgrades are not HTTP operations a client generator can use: listed apart.
      const op = route.websocket
        ? sockets.find((s) => s.path === route.path)
        : paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op?.['x-omega-permission']).toBe(route.permission);
      if (!route.websocket) expect(op?.operationId).toMatch(/^[a-z][A-Za-z0-9]*$/);
    }
    const ops = Object.values(paths).flatMap((byMethod) => Object.values(byMethod));
    const ids = ops.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    // What Spectral's `oas` ruleset warns about: every operation described, tagged with a
    // defined tag, and with a success response.
    const tags = new Set((doc.tags as Json[]).map((t) => t.name));
    for (const op of ops) {
      expect(op.description, String(op.operationId)).toBeTruthy();
      for (const tag of op.tags as string[])
        expect(tags.has(tag), `${op.operationId}: tag ${tag}`).toBe(true);
      expect(Object.keys(op.responses as Json).some((s) => s.startsWith('2'))).toBe(true);
    }
    expect(paths['/api/v1/kernel']?.get?.security).toEqual([{ bearer: [] }]);
    expect(paths['/api/v1/health']?.get?.security).toEqual([]);
  });

  it('serves a host metrics snapshot', async () => {
    const snap = (await (await k.api('/api/v1/system')).json()) as Json;
    expect(snap).toHaveProperty('cpu');
    expect(snap).toHaveProperty('memory');
  });

  it('streams events over WebSocket and resumes exactly from a sequence', async () => {
    const { ws, frames } = await openStream(k.url, 'topics=ops.**', k.token);
    await until(() => frames.find((f) => f.type === 'hello'), 'hello');
    const published: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await k.api('/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'ops.test.ping', data: { i } }),
      });
      expect(res.status).toBe(202);
      published.push(((await res.json()) as { seq: number }).seq);
    }
    await until(() => frames.filter((f) => f.type === 'event').length === 3 || undefined, 'three events');
    expect(frames.filter((f) => f.type === 'event').map((f) => f.seq)).toEqual(published);
    ws.close();

    const resumed = await openStream(k.url, `topics=ops.**&since=${published[0]}`, k.token);
    await until(() => resumed.frames.filter((f) => f.type === 'event').length === 2 || undefined, 'replay');
    expect(resumed.frames.filter((f) => f.type === 'event').map((f) => f.seq)).toEqual(published.slice(1));
    resumed.ws.close();
  });

  it('refuses an event stream without a valid token', async () => {
    await expect(openStream(k.url, 'topics=ops.**', 'not-the-token-0000')).rejects.toThrow('HTTP 401');
  });

  it('refuses publishing outside operator topics, naming the field', async () => {
    const res = await k.api('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'kernel.started', data: {} }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('topic');
  });
});

describe('kernel lifecycle', () => {
  it('keeps sequence numbers increasing across a restart on the same data dir', async () => {
    const first = await startTempKernel();
    const a = first.kernel.bus.publish('ops.test.one', {});
    await first.stop();
    const second = await startTempKernel({ dataDir: first.dataDir });
    const b = second.kernel.bus.publish('ops.test.two', {});
    expect(b.seq).toBeGreaterThan(a.seq);
    await second.stop();
    removeDir(first.dataDir);
  });

  it('finishes in-flight requests on stop and then refuses new connections', async () => {
    const k = await startTempKernel();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    k.kernel.routes.add(
      defineRoute({
        method: 'GET',
        path: '/api/v1/slow',
        permission: PUBLIC,
        owner: 'test',
        summary: 'slow',
        handler: async (c) => {
          await gate;
          return c.json({ done: true });
        },
      }),
    );
    const inflight = k.api('/api/v1/slow', { token: false });
    await new Promise((r) => setTimeout(r, 50));
    const stopping = k.stop();
    await new Promise((r) => setTimeout(r, 50));
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await stopping;
    expect(k.kernel.state()).toBe('stopped');
    await expect(fetch(`${k.url}/api/v1/health`)).rejects.toThrow();
    removeDir(k.dataDir);
  });

  it('serves HTTPS when a certificate and key are configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-tls-'));
    const { cert, key } = selfSignedCert(dir);
    const k = await startTempKernel({ tls: { cert, key } });
    expect(k.url).toMatch(/^https:/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest(`${k.url}/api/v1/health`, { rejectUnauthorized: false }, (res) => {
        let data = '';
        res.on('data', (d) => {
          data += d;
        });
        res.on('end', () => resolve(data));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(body)).toEqual({ status: 'ok' });
    await k.stop();
    removeDir(k.dataDir);
    removeDir(dir);
  });
});
