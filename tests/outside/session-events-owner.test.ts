import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_ADMIN_TOKEN } from '../helpers/temp-kernel.js';
import { call, userWithRoles } from '../security/security-kernel.js';
import {
  type NodesKernel,
  SECURITY_DIR,
  startSessionsKernel,
  until,
} from '../sessions/helpers/sessions-cluster.js';

type Frame = { type: string; topic?: string; data?: { id?: string; owner?: string } };

/** Opens the kernel's event stream; rejects with the HTTP status of a refused upgrade. */
function openStream(url: string, topics: string, token: string): Promise<{ ws: WebSocket; frames: Frame[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/events?topics=${topics}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const frames: Frame[] = [];
    ws.on('message', (m) => frames.push(JSON.parse(String(m)) as Frame));
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/*
 * Found from outside: a role with sessions:read and events:subscribe (the sessions API shows it
 * its own sessions only) opened `/api/v1/events?topics=sessions.**,audit.**` and received every
 * user's session transitions and usage rows, and the audit records of every plugin with their
 * actors and source addresses (GET /security/audit needs security:read). Now audit.** needs
 * security:read, and another user's sessions.* events need sessions-all:read.
 */
describe('the event stream shows a user what the API shows it', () => {
  let k: NodesKernel;
  const users: Record<string, { id: string; accessToken: string }> = {};
  beforeAll(async () => {
    k = await startSessionsKernel({ with: [SECURITY_DIR] });
    const role = await call(k, 'POST', '/api/v1/security/roles', {
      name: 'researcher',
      description: 'runs their own sessions and watches them live',
      permissions: ['sessions:read', 'sessions:write', 'events:subscribe'],
    });
    expect(role.status).toBe(201);
    for (const [name, roles] of [
      ['alice', ['researcher']],
      ['bob', ['researcher']],
      ['victor', ['viewer']],
    ] as const)
      users[name] = await userWithRoles(k, name, [...roles]);
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('audit.** is refused without security:read, as the audit trail is', async () => {
    await expect(openStream(k.url, 'audit.**', users.bob!.accessToken)).rejects.toThrow('HTTP 403');
    await expect(openStream(k.url, 'audit.sessions.*', users.bob!.accessToken)).rejects.toThrow('HTTP 403');
    const admin = await openStream(k.url, 'audit.**', TEST_ADMIN_TOKEN);
    admin.ws.close();
  });

  it("a session's events reach its owner and readers of all sessions, not other users", async () => {
    const bob = await openStream(k.url, 'sessions.**', users.bob!.accessToken);
    const victor = await openStream(k.url, 'sessions.**', users.victor!.accessToken);
    const ids: Record<string, string> = {};
    for (const name of ['alice', 'bob']) {
      const created = await call(
        k,
        'POST',
        '/api/v1/sessions',
        { command: 'sleep', args: ['1000'] },
        users[name]!.accessToken,
      );
      expect(created.status).toBe(201);
      ids[name] = created.body.id as string;
    }
    const sessionIds = (frames: Frame[]) =>
      frames
        .filter((f) => f.type === 'event' && f.topic?.startsWith('sessions.session.'))
        .map((f) => f.data?.id);
    // The viewer reads all sessions: it sees both, so both events were published by now.
    await until(() => {
      const seen = sessionIds(victor.frames);
      return seen.includes(ids.alice) && seen.includes(ids.bob);
    });
    await until(() => sessionIds(bob.frames).includes(ids.bob));
    expect(sessionIds(bob.frames)).not.toContain(ids.alice);
    for (const f of bob.frames.filter((f) => f.type === 'event')) expect(f.data?.owner).toBe(users.bob!.id);
    bob.ws.close();
    victor.ws.close();
  });
});
