import { describe, expect, it } from 'vitest';
import { type Principal, routeCaller } from '../../kernel/auth/index.js';

/**
 * The caller a plugin route receives (kernel/auth/route-caller.ts): built once per principal and
 * client address, deep-frozen, carrying no credential, and bounded however many addresses call.
 */
const user = (over: Partial<Principal> = {}): Principal =>
  Object.freeze({
    id: 'u-1',
    kind: 'user',
    permissions: Object.freeze(['*:read']),
    denied: Object.freeze(['nodes:write']),
    name: 'viewer',
    credentialId: 'jti-secret-ish',
    expiresAt: 1,
    ...over,
  });

describe('routeCaller', () => {
  it('hands the plugin who is calling, without the credential, keys in the order plugins got them', () => {
    const caller = routeCaller(user(), '10.0.0.7');
    expect(JSON.stringify(caller)).toBe(
      '{"kind":"user","id":"u-1","permissions":["*:read"],"denied":["nodes:write"],"name":"viewer","remote":"10.0.0.7"}',
    );
    expect(JSON.stringify(routeCaller(null, '10.0.0.7'))).toBe(
      '{"kind":"anonymous","id":"","permissions":[],"remote":"10.0.0.7"}',
    );
    expect(routeCaller(user({ denied: Object.freeze([]) }), undefined)).toEqual({
      kind: 'user',
      id: 'u-1',
      permissions: ['*:read'],
      name: 'viewer',
    });
  });

  it('is the same deep-frozen object for the same principal and address, another for another', () => {
    const p = user();
    const a = routeCaller(p, '10.0.0.7');
    expect(routeCaller(p, '10.0.0.7')).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.permissions) && Object.isFrozen(a.denied)).toBe(true);
    expect(() => (a.permissions as string[]).push('*')).toThrow(TypeError);
    expect(routeCaller(p, '10.0.0.8')).not.toBe(a);
    expect(routeCaller(p, '10.0.0.8').remote).toBe('10.0.0.8');
    // a new principal (a new token, a role change) is never answered with another's caller
    const q = user({ permissions: Object.freeze(['*']) });
    expect(routeCaller(q, '10.0.0.7')).not.toBe(a);
    expect(routeCaller(q, '10.0.0.7').permissions).toEqual(['*']);
    expect(routeCaller(null, '10.0.0.7')).toBe(routeCaller(null, '10.0.0.7'));
  });

  it('stays right when many addresses call (bounded: the oldest are rebuilt, not wrong)', () => {
    const p = user();
    const first = routeCaller(p, '192.0.2.0');
    for (let i = 1; i < 1000; i++) {
      expect(routeCaller(p, `192.0.2.${i}`).remote).toBe(`192.0.2.${i}`);
      expect(routeCaller(null, `198.51.100.${i}`).remote).toBe(`198.51.100.${i}`);
    }
    const again = routeCaller(p, '192.0.2.0');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
