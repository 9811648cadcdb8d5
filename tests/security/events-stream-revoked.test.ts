import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempKernel } from '../helpers/temp-kernel.js';
import { connect } from '../ws/ws-helpers.js';
import { call, startSecurityKernel, userWithRoles } from './security-kernel.js';

/*
 * An events stream stayed open after its user was disabled (the gateway checked the token once,
 * at the upgrade). Against a real kernel with the security plugin, pinging every 250 ms: disabling
 * a user revokes their sessions, and their open stream closes with 4401 at a following ping; a
 * stream of another user stays open and keeps receiving.
 */
describe('an open events stream ends with its credential', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel({ ws: { pingIntervalMs: 250 } });
  }, 60_000);
  afterAll(async () => {
    await k?.stop();
  });

  const stream = async (token: string) => {
    const c = connect(`${k.url.replace(/^http/, 'ws')}/api/v1/events?topics=ops.*`, {
      protocols: ['omega.v1', `bearer.${token}`],
    });
    await c.waitFrames(1); // hello
    return c;
  };

  it('closes a disabled user’s stream with 4401; another user’s stays open and receives', async () => {
    const alice = await userWithRoles(k, 'alice', ['viewer']);
    const bob = await userWithRoles(k, 'bob', ['viewer']);
    const a = await stream(alice.accessToken);
    const b = await stream(bob.accessToken);

    const off = await call(k, 'PATCH', `/api/v1/security/users/${alice.id}`, { disabled: true });
    expect(off.status).toBe(200);
    expect(await a.closed).toEqual({ code: 4401, reason: 'credential expired or revoked' });

    // Several pings later bob is still there, and still served.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(b.ws.readyState).toBe(b.ws.OPEN);
    expect((await call(k, 'POST', '/api/v1/events', { topic: 'ops.check', data: { n: 1 } })).status).toBe(
      202,
    );
    expect((await b.waitFrames(2))[1]).toMatchObject({ type: 'event', topic: 'ops.check' });
    b.ws.close();
    await b.closed;
  });
});
