import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { jwtVerify, SignJWT } from 'jose';

/**
 * The reference plugin path of SANDBOX-NOTES.md "Speed", as small as it can be: hono → a
 * plugin-host child over a socketpair (length-prefixed frames, the writes of one event-loop
 * turn coalesced) → an isolate entered with `applySync` → the answer back the same way.
 * `GET /api/v1/echo/open` is public; `GET /api/v1/echo/guarded` adds a verified-token cache
 * (bearer → EdDSA JWT verified once with jose, then a map lookup) and a permission check.
 * Prints `{url, token}` when listening.
 */
const tsx = import.meta.resolve('tsx');
const child = spawn(
  process.execPath,
  ['--no-node-snapshot', '--import', tsx, join(import.meta.dirname, 'reference-host.ts')],
  {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
  },
);
const sock = child.stdio[3] as Socket;
const waiting = new Map<number, (json: string) => void>();
let nextId = 0;
let out: Buffer[] = [];
let scheduled = false;
const flush = () => {
  scheduled = false;
  const buf = out.length === 1 ? out[0]! : Buffer.concat(out);
  out = [];
  sock.write(buf);
};
const call = (req: unknown): Promise<string> => {
  nextId = (nextId + 1) >>> 0;
  const id = nextId;
  const json = JSON.stringify(req);
  const n = Buffer.byteLength(json);
  const f = Buffer.allocUnsafe(8 + n);
  f.writeUInt32BE(4 + n, 0);
  f.writeUInt32BE(id, 4);
  f.write(json, 8, 'utf8');
  out.push(f);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
  return new Promise((resolve) => waiting.set(id, resolve));
};
let pending: Buffer = Buffer.alloc(0);
sock.on('data', (chunk: Buffer) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  let at = 0;
  while (pending.length - at >= 4) {
    const len = pending.readUInt32BE(at);
    if (pending.length - at - 4 < len) break;
    const id = pending.readUInt32BE(at + 4);
    const resolve = waiting.get(id);
    waiting.delete(id);
    resolve?.(pending.toString('utf8', at + 8, at + 4 + len));
    at += 4 + len;
  }
  pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
});

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
