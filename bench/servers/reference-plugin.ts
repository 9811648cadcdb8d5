import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { jwtVerify, SignJWT } from 'jose';
import { frameChannel } from './reference-frames.js';

/**
 * The reference plugin path of SANDBOX-NOTES.md "Speed", as small as it can be: hono → a
 * plugin-host child over a socketpair (length-prefixed frames, the writes of one event-loop
 * turn coalesced) → an isolate entered with `applySync` → the answer back the same way.
 * `GET /api/v1/echo/open` is public; `GET /api/v1/echo/guarded` adds a verified-token cache
 * (bearer → EdDSA JWT verified once with jose, then a map lookup) and a permission check.
 * Prints `{url, token}` when listening. OMEGA_BENCH_REF_HOST_FLAGS adds node flags to the host child.
 */
const tsx = import.meta.resolve('tsx');
// OMEGA_BENCH_REF_HOST_FLAGS: node flags for the host child, space-separated (e.g. Omega's host
// flags from kernel/sandbox/spawn-host.ts), to see what one costs on the same hops without Omega
const hostFlags = (process.env.OMEGA_BENCH_REF_HOST_FLAGS ?? '').split(' ').filter(Boolean);
const child = spawn(
  process.execPath,
  [...hostFlags, '--no-node-snapshot', '--import', tsx, join(import.meta.dirname, 'reference-host.ts')],
  {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
  },
);
const sock = child.stdio[3] as Socket;
const waiting = new Map<number, (json: string) => void>();
let nextId = 0;
const send = frameChannel(sock, (id, json) => {
  const resolve = waiting.get(id);
  waiting.delete(id);
  resolve?.(json);
});
const call = (req: unknown): Promise<string> => {
  nextId = (nextId + 1) >>> 0;
  const id = nextId;
  send(id, JSON.stringify(req));
  return new Promise((resolve) => waiting.set(id, resolve));
};

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const token = await new SignJWT({ perms: ['echo:read'] })
  .setProtectedHeader({ alg: 'EdDSA' })
  .setSubject('bench')
  .setExpirationTime('1h')
  .sign(privateKey);
const verified = new Map<string, { perms: string[]; exp: number }>();
const principalOf = async (header: string | undefined) => {
  const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  if (!bearer) return undefined;
  const hit = verified.get(bearer);
  if (hit && hit.exp * 1000 > Date.now()) return hit;
  const { payload } = await jwtVerify(bearer, publicKey);
  const p = { perms: payload.perms as string[], exp: payload.exp as number };
  verified.set(bearer, p);
  return p;
};

const app = new Hono();
const forward = async (c: import('hono').Context) => {
  const res = JSON.parse(
    await call({ method: c.req.method, path: c.req.path, query: c.req.query(), headers: {}, body: null }),
  ) as { status: number; body: object };
  return c.json(res.body, res.status as 200);
};
app.get('/api/v1/echo/open', forward);
app.get('/api/v1/echo/guarded', async (c) => {
  const p = await principalOf(c.req.header('authorization'));
  if (!p) return c.json({ error: 'unauthenticated' }, 401);
  if (!p.perms.includes('echo:read')) return c.json({ error: 'forbidden' }, 403);
  return forward(c);
});
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${info.port}`, pid: process.pid, token })}\n`,
  );
});
process.on('SIGTERM', () => {
  child.kill('SIGTERM');
  server.close(() => process.exit(0));
});
