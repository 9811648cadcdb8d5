import { HOST_CALLS, type HostCallName } from '@omega/protocol';
import { describe, expect, it } from 'vitest';

/**
 * What bounds each host call's answer. `host-sized`: the host's or another plugin's size, held
 * to the caller's maxCallBytes by the bridge (protocol flag `hostSizedAnswer`); `page`: a list
 * page, ended early at maxCallBytes by the kernel's storage (a cursor to the rest); `args`: a
 * function of the plugin's own arguments (each ≤ maxCallBytes), or of records it wrote with
 * them; `fixed`: a few fields; `fetch`: the kernel's outbound body cap (8 MiB decoded), larger
 * than maxCallBytes on purpose. A new host call must be placed here.
 */
const BOUNDS: { [N in HostCallName]: 'host-sized' | 'page' | 'args' | 'fixed' | 'fetch' } = {
  'storage.get': 'args', // one record it stored: its value plus the record's fields
  'storage.set': 'args', // the record just written
  'storage.delete': 'fixed',
  'storage.transaction': 'args', // the records the ops wrote
  'storage.list': 'page',
  'ephemeral.get': 'args',
  'ephemeral.set': 'fixed',
  'ephemeral.setMany': 'fixed',
  'ephemeral.delete': 'fixed',
  'ephemeral.list': 'page',
  'events.publish': 'fixed',
  'events.subscribe': 'fixed',
  'events.unsubscribe': 'fixed',
  'system.read': 'host-sized',
  'system.sample': 'host-sized',
  'crypto.sign': 'args', // a JWS of the payload (≤ 64 KiB)
  'crypto.verify': 'args', // the payload of the JWS it sent
  'crypto.hash': 'fixed',
  'crypto.hashPassword': 'fixed',
  'crypto.verifyPassword': 'fixed',
  'crypto.random': 'fixed', // ≤ 1024 random bytes, encoded
  'crypto.seal': 'args', // the plaintext sealed, base64url (about 4/3 of it)
  'crypto.open': 'args', // shorter than the sealed text it sent
  'crypto.mac': 'args', // one MAC per item, ≤ 1000 items
  'crypto.verifyMac': 'args', // one boolean per item
  'net.fetch': 'fetch',
  'services.call': 'host-sized', // another plugin's result (its maxResultBytes, 4 MiB)
  'timers.every': 'fixed',
  'timers.after': 'fixed',
  'timers.cancel': 'fixed',
  'auth.signToken': 'args', // a JWT of the claims it sent
  'agents.send': 'fixed',
  'agents.disconnect': 'fixed',
  'agents.connections': 'host-sized', // one entry per connected agent
  'agents.info': 'fixed', // the gateway's URL, TLS flag and certificate hash (kernel config)
  'agents.invite': 'fixed',
  'agents.discovered': 'host-sized', // up to 1024 LAN announcements with their TXT claims
  'log.write': 'fixed',
};

describe('host call answers', () => {
  it('are held to maxCallBytes by the bridge exactly where their size is not the plugin’s', () => {
    const flagged = Object.entries(HOST_CALLS)
      .filter(([, spec]) => (spec as { hostSizedAnswer?: string }).hostSizedAnswer !== undefined)
      .map(([name]) => name)
      .sort();
    const hostSized = Object.entries(BOUNDS)
      .filter(([, b]) => b === 'host-sized')
      .map(([name]) => name)
      .sort();
    expect(flagged).toEqual(hostSized);
  });

  it('say what to ask for instead when they are too large', () => {
    for (const spec of Object.values(HOST_CALLS)) {
      const advice = (spec as { hostSizedAnswer?: string }).hostSizedAnswer;
      if (advice !== undefined) expect(advice.length).toBeGreaterThan(10);
    }
  });
});
