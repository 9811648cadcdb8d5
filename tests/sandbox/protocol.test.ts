import { HOST_CALL_NAMES, HOST_CALLS, type HostCallName } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { PRELUDE_SOURCE } from '../../kernel/sandbox/host/prelude-source.js';
import { HOST_FUNCTIONS } from '../../kernel/sandbox/index.js';

describe('the protocol is the one source of host calls', () => {
  it('the bridge implements exactly the protocol', () => {
    expect(Object.keys(HOST_FUNCTIONS).sort()).toEqual([...HOST_CALL_NAMES].sort());
  });

  it("the prelude's ctx calls exactly the protocol", () => {
    const called = new Set(
      [...PRELUDE_SOURCE.matchAll(/(?:hostCall|addTimer)\('([a-zA-Z.]+)'/g)].map((m) => m[1]),
    );
    expect([...called].sort()).toEqual([...HOST_CALL_NAMES].sort());
  });

  it('derives each permission from the validated arguments', () => {
    const perm = (name: HostCallName, args: unknown) => {
      const spec = HOST_CALLS[name] as {
        args: { parse(a: unknown): unknown };
        permission(a: unknown): unknown;
      };
      return spec.permission(spec.args.parse(args));
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
