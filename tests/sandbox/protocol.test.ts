import {
  CTX_INDIRECT_CALLS,
  CTX_SURFACE,
  HOST_CALL_NAMES,
  HOST_CALLS,
  type HostCallName,
} from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { PRELUDE_SOURCE } from '../../kernel/sandbox/host/prelude-source.js';
import { HOST_FUNCTIONS } from '../../kernel/sandbox/index.js';

describe('the protocol is the one source of host calls', () => {
  it('the bridge implements exactly the protocol', () => {
    expect(Object.keys(HOST_FUNCTIONS).sort()).toEqual([...HOST_CALL_NAMES].sort());
  });

  it('the prelude names no host call: its ctx is built from the protocol alone', () => {
    for (const name of HOST_CALL_NAMES) expect(PRELUDE_SOURCE).not.toContain(`'${name}'`);
  });

  it('every host call is reached by a ctx method or through one', () => {
    const reached = new Set([...Object.values(CTX_SURFACE).map((m) => m.call), ...CTX_INDIRECT_CALLS]);
    expect([...reached].sort()).toEqual([...HOST_CALL_NAMES].sort());
    // Each indirect call is some method's undo.
    const undos = Object.values(CTX_SURFACE).flatMap((m) => ('undo' in m && m.undo ? [m.undo] : []));
    for (const name of CTX_INDIRECT_CALLS) expect(undos).toContain(name);
  });

  it('derives each permission from the validated arguments', () => {
    const perm = (name: HostCallName, args: unknown) => {
      const spec = HOST_CALLS[name] as {
        args: { parse(a: unknown): unknown };
        capability(a: unknown): unknown;
      };
      return spec.capability(spec.args.parse(args));
    };
    expect(perm('storage.get', { collection: 'c', id: 'x' })).toEqual({ kind: 'storage' });
    expect(perm('events.publish', { topic: 'nodes.up', data: 1 })).toEqual({
      kind: 'events.publish',
      topic: 'nodes.up',
    });
    expect(perm('events.subscribe', { pattern: 'nodes.*' })).toEqual({
      kind: 'events.subscribe',
      topic: 'nodes.*',
    });
    expect(perm('events.unsubscribe', { id: 1 })).toBeNull();
    expect(perm('system.read', { area: 'gpu' })).toEqual({ kind: 'system.read', area: 'gpu' });
    expect(perm('system.sample', { areas: ['cpu', 'disk'] })).toEqual([
      { kind: 'system.read', area: 'cpu' },
      { kind: 'system.read', area: 'disk' },
    ]);
    expect(perm('net.fetch', { url: 'https://Slurm.Internal:6820/a/b?c' })).toEqual({
      kind: 'net.fetch',
      origin: 'https://slurm.internal:6820',
    });
    expect(perm('services.call', { service: 'nodes.capacity', args: {} })).toEqual({
      kind: 'services.call',
      service: 'nodes.capacity',
    });
    expect(perm('crypto.verifyPassword', { password: 'a', hash: 'b' })).toEqual({
      kind: 'crypto',
      op: 'password',
    });
    expect(perm('crypto.open', { sealed: 'x' })).toEqual({ kind: 'crypto', op: 'seal' });
    expect(perm('timers.every', { ms: 100 })).toEqual({ kind: 'timers' });
    expect(perm('log.write', { level: 'info', msg: 'm' })).toEqual({ kind: 'log' });
  });

  it('refuses non-http URLs and unknown areas at validation', () => {
    expect(HOST_CALLS['net.fetch'].args.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(HOST_CALLS['net.fetch'].args.safeParse({ url: '/relative' }).success).toBe(false);
    expect(HOST_CALLS['system.read'].args.safeParse({ area: 'secrets' }).success).toBe(false);
    expect(HOST_CALLS['timers.every'].args.safeParse({ ms: 1 }).success).toBe(false);
  });
});
