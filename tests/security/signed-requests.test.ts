import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonceWindow, signRequest } from '../../kernel/auth/index.js';
import { removeDir, type TempKernel } from '../helpers/temp-kernel.js';
import { call, startSecurityKernel } from './security-kernel.js';

const nonce = () => randomBytes(18).toString('base64url');

describe('replay-protected request signing for node agents (omega-sig-v1)', () => {
  let k: TempKernel;
  let keyId: string;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;

  beforeAll(async () => {
    k = await startSecurityKernel();
    const agent = await call(k, 'POST', '/api/v1/security/agents', {
      name: 'node-17',
      publicKey: raw,
      permissions: ['kernel:read', 'events:publish'],
    });
    expect(agent.status).toBe(201);
    keyId = agent.body.id;
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  const send = (method: string, url: string, headers: Record<string, string>, body?: string) =>
    fetch(`${k.url}${url}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    });

  it('accepts a signed request once; a replay, a stale timestamp, another key or a swapped body are refused', async () => {
    const h = signRequest({ method: 'GET', url: '/api/v1/kernel', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/kernel', h)).status).toBe(200);
    const replay = await send('GET', '/api/v1/kernel', h);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('OMEGA_ERR_TOKEN_INVALID');

    const stale = signRequest({
      method: 'GET',
      url: '/api/v1/kernel',
      keyId,
      privateKey,
      nonce: nonce(),
      timestamp: Date.now() - 10 * 60_000,
    });
    expect((await send('GET', '/api/v1/kernel', stale)).status).toBe(401);

    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = signRequest({
      method: 'GET',
      url: '/api/v1/kernel',
      keyId,
      privateKey: other,
      nonce: nonce(),
    });
    expect((await send('GET', '/api/v1/kernel', forged)).status).toBe(401);

    // Signed for one path, sent to another.
    const moved = signRequest({ method: 'GET', url: '/api/v1/kernel', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/system', moved)).status).toBe(401);

    const body = JSON.stringify({ topic: 'ops.node.heartbeat', data: { load: 1 } });
    const signed = signRequest({
      method: 'POST',
      url: '/api/v1/events',
      body,
      keyId,
      privateKey,
      nonce: nonce(),
    });
    expect((await send('POST', '/api/v1/events', signed, body)).status).toBe(202);
    const again = signRequest({
      method: 'POST',
      url: '/api/v1/events',
      body,
      keyId,
      privateKey,
      nonce: nonce(),
    });
    const swapped = JSON.stringify({ topic: 'ops.node.heartbeat', data: { load: 999 } });
    expect((await send('POST', '/api/v1/events', again, swapped)).status).toBe(401);
  });

  it('stops honouring a cached agent key as soon as the auth provider stops, and again once it runs', async () => {
    const ok = signRequest({ method: 'GET', url: '/api/v1/kernel', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/kernel', ok)).status).toBe(200);
    expect((await call(k, 'POST', '/api/v1/plugins/security/disable?consent=security')).status).toBe(200);
    const without = signRequest({ method: 'GET', url: '/api/v1/kernel', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/kernel', without)).status).not.toBe(200);
    expect((await call(k, 'POST', '/api/v1/plugins/security/enable')).status).toBe(200);
    const back = signRequest({ method: 'GET', url: '/api/v1/kernel', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/kernel', back)).status).toBe(200);
  });

  it('holds the agent to its permissions, and a revoked key stops working', async () => {
    const plugins = signRequest({ method: 'GET', url: '/api/v1/plugins', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/plugins', plugins)).status).toBe(403);
    expect((await call(k, 'DELETE', `/api/v1/security/agents/${keyId}`)).status).toBe(204);
    const h = signRequest({ method: 'GET', url: '/api/v1/kernel', keyId, privateKey, nonce: nonce() });
    expect((await send('GET', '/api/v1/kernel', h)).status).toBe(401);
  });

  it('the nonce window refuses replays and timestamps outside the window', () => {
    let now = 1_000_000;
    const w = new NonceWindow(60_000, 2, () => now);
    w.accept('k', 'n1', now);
    expect(() => w.accept('k', 'n1', now)).toThrow(/replayed/);
    w.accept('other-key', 'n1', now);
    expect(() => w.accept('k', 'n2', now - 61_000)).toThrow(/window/);
    expect(() => w.accept('k', 'n3', now)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_RATE_LIMITED' }),
    );
    now += 121_000;
    w.accept('k', 'n3', now);
    expect(w.size).toBe(1);
  });
});
