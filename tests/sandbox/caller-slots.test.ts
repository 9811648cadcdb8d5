import type { RouteCaller } from '@omega/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * A route caller the host has seen goes by slot (issue #13, caller-ref): the kernel sends its JSON
 * once per host session with "keep as slot N", then N alone. What the handler sees must not change:
 * the same keys, order and values as the caller sent, deep-frozen so no call changes a later
 * call's caller, the right caller whatever the slots hold, and nothing kept across a host restart.
 */
const CODE = `
// Hostile: setters and getters on the prototypes a slot table could read through.
for (const p of [Object.prototype, Array.prototype])
  for (let i = 0; i < 4; i++)
    Object.defineProperty(p, String(i), { get() { return { kind: 'forged', id: 'x', permissions: ['*'] }; }, set() {}, configurable: true });
const seen = [];
let last;
export const plugin = {
  routes: {
    // Whether this request's caller is the very object the previous one had: by slot it is.
    same(req) { const same = req.caller === last; last = req.caller; return { status: 200, body: { same } }; },
    echo(req) {
      seen.push(req.caller);
      return { status: 200, body: { json: JSON.stringify(req.caller), keys: Reflect.ownKeys(req.caller) } };
    },
    async later(req) { await null; return { status: 200, body: JSON.stringify(req.caller) }; },
    mutate(req) {
      const c = req.caller;
      const tries = [
        () => { c.id = 'changed'; },
        () => { c.permissions.push('*'); },
        () => { c.permissions[0] = '*'; },
        () => { delete c.name; },
        () => { c.extra = 1; },
        () => { Object.defineProperty(c, 'kind', { value: 'admin' }); },
        () => { Object.setPrototypeOf(c, { kind: 'admin' }); },
      ];
      let refused = 0;
      for (const t of tries) try { t(); } catch (_) { refused++; }
      return { status: 200, body: { refused, frozen: Object.isFrozen(c) && Object.isFrozen(c.permissions) } };
    },
  },
};
`;

/** A deep-frozen caller as routeCaller makes them. */
function caller(id: string, permissions: string[], name?: string): RouteCaller {
  const c: Record<string, unknown> = { kind: 'user', id, permissions: Object.freeze([...permissions]) };
  if (name !== undefined) c.name = name;
  c.remote = '127.0.0.1';
  return Object.freeze(c) as unknown as RouteCaller;
}

describe('route callers kept by slot in the plugin host', () => {
  let sb: Sandbox;
  let p: PluginInstance;
  const echo = async (c: RouteCaller) =>
    (await callRoute(p, 'echo', { ...req(), caller: c })).body as { json: string; keys: string[] };

  beforeAll(async () => {
    sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
    p = await startInline(sb, { name: 'caller-slots', code: CODE, permissions: ['http:routes'] });
  });

  afterAll(async () => {
    await sb.close();
    expect(await childPids()).toEqual([]);
  });

  it('sees the caller as sent, the first time and by slot after', async () => {
    const c = caller('u1', ['nodes:read', 'nodes:write', 'events:subscribe'], 'Ada');
    const d = caller('u1b', ['other:read'], 'Bea');
    for (let i = 0; i < 3; i++) {
      for (const x of [c, d]) {
        const got = await echo(x);
        expect(got.json).toBe(JSON.stringify(x));
        expect(got.keys).toEqual(Object.keys(x));
      }
    }
    expect(
      JSON.parse(await callRoute(p, 'later', { ...req(), caller: c }).then((r) => r.body as string)),
    ).toEqual(c);
  });

  it('sends a caller the host keeps by slot (the handler gets the same frozen object again)', async () => {
    const same = async (c: RouteCaller) =>
      ((await callRoute(p, 'same', { ...req(), caller: c })).body as { same: boolean }).same;
    const c = caller('u-same', ['s:read'], 'Sam');
    await same(c);
    expect(await same(c)).toBe(true);
    // Another caller of the same shape and values is another principal: not the same object.
    expect(await same(caller('u-same', ['s:read'], 'Sam'))).toBe(false);
  });

  it('forgets the slots when a call is refused before it reaches the host, and the host lives on', async () => {
    // A call the frame writer refuses (its handler name makes the frame's meta too long) after
    // taking a slot for its new caller: that slot was never the host's, so that caller's next
    // call must not go by it (it would be answered with whatever the host keeps there).
    const b = caller('u-refused', ['b:read'], 'Bee');
    const pid = p.status().pid;
    await expect(callRoute(p, 'h'.repeat(70_000), { ...req(), caller: b }, 300)).rejects.toThrow(/meta/);
    expect((await echo(b)).json).toBe(JSON.stringify(b));
    expect((await echo(b)).json).toBe(JSON.stringify(b));
    // Past the refused call's deadline: it was not left in flight to kill the host.
    await new Promise((r) => setTimeout(r, 400));
    expect((await echo(b)).json).toBe(JSON.stringify(b));
    expect(p.status().pid).toBe(pid);
  });

  it('keeps what a handler that tries to change its caller cannot change', async () => {
    const c = caller('u2', ['a:read', 'b:read'], 'Bo');
    await echo(c);
    const m = await callRoute(p, 'mutate', { ...req(), caller: c });
    expect(m.body).toEqual({ refused: 7, frozen: true });
    expect((await echo(c)).json).toBe(JSON.stringify(c));
  });

  it('gives each of more callers than slots its own caller', async () => {
    // 1,300 principals, more than the kernel's slots (512) and the host's (1,024), 20 in flight:
    // each new one beside one seen 300 callers ago (still kept: sent by slot) and one seen 700
    // ago (its slot since reused: sent whole again). Every answer is its own caller's.
    const callers = Array.from({ length: 1300 }, (_, i) => caller(`p${i}`, [`ns${i}:read`, 'x:write']));
    for (let i = 0; i < callers.length; i += 20) {
      const batch: RouteCaller[] = [];
      for (let j = i; j < i + 20 && j < callers.length; j++) {
        batch.push(callers[j]!);
        if (j >= 300) batch.push(callers[j - 300]!);
        if (j >= 700) batch.push(callers[j - 700]!);
      }
      const got = await Promise.all(batch.map((c) => echo(c)));
      for (const [j, g] of got.entries()) expect(g.json).toBe(JSON.stringify(batch[j]));
    }
  });

  it('sends a caller that is not deep-frozen whole, every time', async () => {
    const c = { kind: 'user', id: 'm', permissions: ['one:read'] } as unknown as RouteCaller;
    expect((await echo(c)).json).toBe(JSON.stringify(c));
    (c.permissions as string[]).push('two:read');
    expect((await echo(c)).json).toBe(JSON.stringify(c));
  });

  it('starts a restarted host with no slots (the kernel sends the callers whole again)', async () => {
    const c = caller('u3', ['r:read'], 'Cy');
    expect((await echo(c)).json).toBe(JSON.stringify(c));
    const pid = p.status().pid!;
    process.kill(pid, 'SIGKILL');
    await p.waitFor(['crashed', 'backoff']);
    await p.waitFor(['running']);
    expect(p.status().pid).not.toBe(pid);
    expect((await echo(c)).json).toBe(JSON.stringify(c));
    expect((await echo(c)).json).toBe(JSON.stringify(c));
  });
});
