import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { removeDir, startTempKernel, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  call,
  GOOD_PASSWORD,
  securityPluginsDir,
  userWithRoles,
} from '../../../tests/security/security-kernel.js';

const S = '/api/v1/security';
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'plugins');

interface Entry {
  seq: number;
  actor: string;
  action: string;
  outcome: string;
  target?: string;
  source?: string;
}

/** Opens an events stream; resolves the socket once open, or the HTTP status of a refusal. */
function subscribe(k: TempKernel, topics: string, token: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/v1/events?topics=${topics}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', reject);
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

describe('audit trail: hash chain, queries, live stream, kernel and sandbox events', () => {
  let k: TempKernel;
  let pluginsDir: string;
  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    cpSync(join(FIXTURES, 'undeclared-capability'), join(pluginsDir, 'undeclared-capability'), {
      recursive: true,
    });
    const grants = JSON.parse(readFileSync(join(pluginsDir, 'grants.json'), 'utf8'));
    grants['undeclared-capability'] = { granted: ['http:routes', 'log'], denied: [] };
    writeFileSync(join(pluginsDir, 'grants.json'), JSON.stringify(grants));
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const audit = async (
    query: string,
  ): Promise<{ items: Entry[]; nextCursor?: string; prevCursor?: string }> =>
    (await call(k, 'GET', `${S}/audit?${query}`)).body;

  it('streams entries live to admins; a viewer may not subscribe to security events', async () => {
    const viewer = await userWithRoles(k, 'vic', ['viewer']);
    expect(await subscribe(k, 'security.**', viewer.accessToken)).toBe(403);
    expect(await subscribe(k, '**', viewer.accessToken)).toBe(403);
    expect(await subscribe(k, '*.audit.appended', viewer.accessToken)).toBe(403);
    const ok = await subscribe(k, 'kernel.*,plugins.**', viewer.accessToken);
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();

    const ws = (await subscribe(k, 'security.audit.appended', k.token)) as WebSocket;
    const seen: Entry[] = [];
    ws.on('message', (m) => {
      const f = JSON.parse(String(m));
      if (f.type === 'event') seen.push(f.data);
    });
    await call(k, 'POST', `${S}/users`, {
      username: 'streamed',
      password: 'a fine long passphrase',
      roles: [],
    });
    const created = await waitFor(async () => seen.find((e) => e.action === 'user.create'));
    expect(created.actor).toBe('admin');
    ws.close();
  });

  it('records authorization denials, token misuse, sandbox denials and plugin administration', async () => {
    const viewer = await userWithRoles(k, 'val', ['viewer']);
    await call(k, 'GET', `${S}/users`, undefined, viewer.accessToken);
    await call(k, 'GET', '/api/v1/kernel', undefined, `${viewer.accessToken.slice(0, -4)}AAAA`);
    await call(k, 'POST', '/api/v1/undeclared-capability/tryAll', {});
    await call(k, 'PUT', '/api/v1/plugins/undeclared-capability/grants', {
      granted: ['http:routes', 'log'],
      denied: [],
    });
    await call(k, 'POST', '/api/v1/plugins/undeclared-capability/disable');
    const actions = await waitFor(async () => {
      const all = (await audit('limit=1000')).items;
      const names = new Set(all.map((e) => e.action));
      const want = [
        'authz.denied',
        'token.misuse',
        'sandbox.permission.denied',
        'plugin.grants',
        'plugin.disable',
      ];
      return want.every((w) => names.has(w)) ? all : undefined;
    });
    const denial = actions.find((e) => e.action === 'authz.denied')!;
    expect(denial).toMatchObject({
      actor: viewer.id,
      outcome: 'denied',
      target: `GET ${S}/users`,
      source: '127.0.0.1',
    });
    expect(actions.find((e) => e.action === 'sandbox.permission.denied')?.actor).toBe(
      'undeclared-capability',
    );
    expect(actions.find((e) => e.action === 'plugin.disable')).toMatchObject({
      actor: 'admin',
      target: 'undeclared-capability',
    });
    // Reads are not audited.
    expect(actions.some((e) => e.action.startsWith('plugin.') && e.action.endsWith('read'))).toBe(false);
  });

  it('filters by actor, action and outcome, and pages with a cursor', async () => {
    const all = (await audit('limit=1000')).items;
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const byAdmin = (await audit('actor=admin&limit=1000')).items;
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(byAdmin.every((e) => e.actor === 'admin')).toBe(true);
    const denied = (await audit('outcome=denied&action=authz.')).items;
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((e) => e.outcome === 'denied' && e.action.startsWith('authz.'))).toBe(true);
    const paged: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged.slice(0, all.length)).toEqual(all.map((e) => e.seq));
    const future = (await audit(`since=${new Date(Date.now() + 3_600_000).toISOString()}`)).items;
    expect(future).toEqual([]);
    expect((await call(k, 'GET', `${S}/audit?outcome=maybe`)).status).toBe(400);
  });

  it("takes a username as actor: that user's entries, recorded under their id", async () => {
    const grace = await userWithRoles(k, 'Grace.Ops', ['viewer']);
    const byId = (await audit(`actor=${grace.id}&limit=1000`)).items;
    expect(byId.map((e) => e.action)).toContain('auth.login');
    // Any case, as sign-in takes it; the entries name the id, as recorded.
    for (const name of ['Grace.Ops', 'grace.ops']) {
      expect((await audit(`actor=${encodeURIComponent(name)}&limit=1000`)).items, name).toEqual(byId);
    }
    // Names of no user, and text no username can be, match what was recorded under them: nothing here.
    for (const actor of ['nobody-here', '%01', 'a%20b']) {
      const r = await call(k, 'GET', `${S}/audit?actor=${actor}`);
      expect(r.status, actor).toBe(200);
      expect(r.body.items, actor).toEqual([]);
    }
  });

  it("refuses a username shaped like a user id, so ?actor=<id> is never another user's name", async () => {
    const { id } = await userWithRoles(k, 'id.victim', ['viewer']);
    for (const username of [id, id.toUpperCase(), 'u-AAAAAAAAAAAAAAAA']) {
      const r = await call(k, 'POST', `${S}/users`, { username, password: GOOD_PASSWORD, roles: ['viewer'] });
      expect(r.status, username).toBe(400);
      expect(r.body.errors, username).toEqual([
        { field: 'username', message: 'must not have the shape of a user id (u- and 16 characters)' },
      ]);
    }
    // Near the shape is a name like any other.
    const near = await call(k, 'POST', `${S}/users`, {
      username: 'u-short',
      password: GOOD_PASSWORD,
      roles: [],
    });
    expect(near.status).toBe(201);
  });

  it('answers newest first with order=desc, and pages both ways with next and prev cursors', async () => {
    const asc = (await audit('limit=1000')).items.map((e) => e.seq);
    const head = asc.at(-1)!;
    expect(asc.length).toBeGreaterThan(6);
    const desc = (await audit('order=desc&limit=1000')).items.map((e) => e.seq);
    expect(desc.filter((seq) => seq <= head)).toEqual([...asc].reverse());

    // Newest first, three at a time, to the oldest.
    const pages: Array<Awaited<ReturnType<typeof audit>>> = [];
    let cursor: string | undefined = `${head + 1}`;
    while (cursor) {
      const page: Awaited<ReturnType<typeof audit>> = await audit(`order=desc&limit=3&cursor=${cursor}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      pages.push(page);
      cursor = page.nextCursor;
    }
    expect(pages.flatMap((p) => p.items.map((e) => e.seq))).toEqual([...asc].reverse());
    // Back from the third page: the second, then the first, each in the same order.
    const back2 = await audit(`order=desc&limit=3&cursor=${pages[2]!.prevCursor}`);
    expect(back2.items.map((e) => e.seq)).toEqual(pages[1]!.items.map((e) => e.seq));
    const back1 = await audit(`order=desc&limit=3&cursor=${back2.prevCursor}`);
    expect(back1.items.map((e) => e.seq)).toEqual(pages[0]!.items.map((e) => e.seq));
    // Before the newest page there is only what was appended since (kernel events may still arrive).
    const newer = back1.prevCursor ? (await audit(`order=desc&cursor=${back1.prevCursor}`)).items : [];
    expect(newer.every((e) => e.seq > head)).toBe(true);
    // …and forward again from a page reached backwards.
    const again = await audit(`order=desc&limit=3&cursor=${back1.nextCursor}`);
    expect(again.items.map((e) => e.seq)).toEqual(pages[1]!.items.map((e) => e.seq));

    // Oldest first works the same way.
    const a1 = await audit('limit=4');
    const a2 = await audit(`limit=4&cursor=${a1.nextCursor}`);
    expect(a1.prevCursor).toBeUndefined();
    expect((await audit(`limit=4&cursor=${a2.prevCursor}`)).items).toEqual(a1.items);

    // The newest page's prevCursor shows what was appended since: a dashboard's "newer" button.
    const newest = await audit('order=desc&limit=5');
    expect((await audit(`order=desc&limit=5&cursor=${newest.prevCursor}`)).items).toEqual([]);
    await userWithRoles(k, 'newer', ['viewer']);
    const since = (await audit(`order=desc&limit=5&cursor=${newest.prevCursor}`)).items;
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((e) => e.seq > head)).toBe(true);
    expect(since.map((e) => e.seq)).toEqual([...since.map((e) => e.seq)].sort((x, y) => y - x));

    const byAdmin = (await audit('order=desc&actor=admin&limit=1000')).items;
    expect(byAdmin.every((e) => e.actor === 'admin')).toBe(true);
    expect(byAdmin.map((e) => e.seq)).toEqual([...byAdmin.map((e) => e.seq)].sort((x, y) => y - x));
    for (const [q, field] of [
      ['order=sideways', 'order'],
      ['cursor=x12', 'cursor'],
      ['cursor=b', 'cursor'],
    ]) {
      const bad = await call(k, 'GET', `${S}/audit?${q}`);
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('verifies the chain, and detects an entry edited on disk', async () => {
    const before = (await call(k, 'GET', `${S}/audit/verify`)).body;
    expect(before.ok).toBe(true);
    expect(before.entries).toBeGreaterThan(5);
    await k.kernel.storage.compact('security'); // the trail so far into the snapshot file, edited below
    await k.stop();
    const file = (readdirSync(k.dataDir, { recursive: true }) as string[]).find((f) =>
      f.endsWith('security.json'),
    )!;
    const path = join(k.dataDir, file);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const victim = doc.collections.audit['000000000002'];
    victim.value.actor = 'someone-innocent';
    writeFileSync(path, JSON.stringify(doc));
    k = await startTempKernel({ dataDir: k.dataDir, plugins: { dirs: [pluginsDir], warmHosts: 0 } });
    const after = (await call(k, 'GET', `${S}/audit/verify`)).body;
    expect(after.ok).toBe(false);
    expect(after.broken).toEqual({ seq: 2, reason: 'hash does not match its content' });
  });
});
