import { describe, expect, it } from 'vitest';
import { hasPermission, type Principal } from '../../kernel/auth/index.js';

/*
 * hasPermission keeps its answers per principal object and permission (a cached token's request
 * then costs map lookups). The answers must stay exactly those of the rules: per principal, with
 * denials winning, and right past the per-principal bound.
 */

const viewer = (): Principal => ({
  id: 'v',
  kind: 'user',
  permissions: ['*:read'],
  denied: ['secrets:read'],
});

describe('hasPermission, memoised per principal', () => {
  it('answers the same on the second ask, grants and denials alike', () => {
    const p = viewer();
    for (let round = 0; round < 2; round++) {
      expect(hasPermission(p, 'echo:read')).toBe(true);
      expect(hasPermission(p, 'echo:write')).toBe(false);
      expect(hasPermission(p, 'secrets:read')).toBe(false);
    }
  });

  it('never lends one principal’s answer to another', () => {
    const a = viewer();
    const b: Principal = { id: 'w', kind: 'user', permissions: ['echo:write'] };
    expect(hasPermission(a, 'echo:read')).toBe(true);
    expect(hasPermission(b, 'echo:read')).toBe(false);
    expect(hasPermission(b, 'echo:write')).toBe(true);
    expect(hasPermission(a, 'echo:write')).toBe(false);
    // A changed role is a new principal object: it gets its own answers.
    const promoted: Principal = { ...a, permissions: ['*'] };
    expect(hasPermission(promoted, 'echo:write')).toBe(true);
    expect(hasPermission(promoted, 'secrets:read')).toBe(false);
  });

  it('stays right past the bound of kept answers', () => {
    const p = viewer();
    for (let i = 0; i < 600; i++) {
      expect(hasPermission(p, `area${i}:read`)).toBe(true);
      expect(hasPermission(p, `area${i}:write`)).toBe(false);
    }
    expect(hasPermission(p, 'area599:read')).toBe(true);
    expect(hasPermission(p, 'area599:write')).toBe(false);
  });
});
