import { describe, expect, it } from 'vitest';
import {
  authorizeTopics,
  DecisionCache,
  eventFilterFor,
  hasPermission,
  type Principal,
  permissionCovers,
  revocationOf,
} from '../../kernel/auth/index.js';

const who = (permissions: string[], denied: string[] = []): Principal => ({
  id: 'u',
  kind: 'user',
  permissions,
  denied,
});

describe('permission patterns', () => {
  it.each([
    ['*', 'nodes:read', true],
    ['nodes:*', 'nodes:read', true],
    ['nodes:*', 'nodes:admin:write', true],
    ['nodes:*', 'nodes', false],
    ['*:read', 'nodes:read', true],
    ['*:read', 'nodes:write', false],
    ['*:read', 'nodes:admin:read', false],
    ['nodes:read', 'nodes:read', true],
    ['nodes:read', 'nodes:readx', false],
    ['nodes:read', 'nodes:*', false],
    ['nodes:*', 'nodes:*', true],
    ['*:read', 'nodes:*', false],
  ])('%s covers %s: %s', (granted, wanted, expected) => {
    expect(permissionCovers(granted, wanted)).toBe(expected);
    // The compiled per-principal check agrees, as a grant and (inverted) as a deny.
    expect(hasPermission(who([granted]), wanted)).toBe(expected);
    expect(hasPermission(who(['*'], [granted]), wanted)).toBe(!expected);
  });

  it('an explicit deny wins over any grant, broad or narrow', () => {
    expect(hasPermission(who(['*'], ['security:read']), 'security:read')).toBe(false);
    expect(hasPermission(who(['security:read'], ['security:*']), 'security:read')).toBe(false);
    expect(hasPermission(who(['*'], ['security:read']), 'security:admin')).toBe(true);
  });
});

describe('per-topic subscription authorization', () => {
  const viewer = who(['*:read', 'events:subscribe'], ['security:read']);
  const admin = who(['*']);
  it('keeps security events from those without security:read, whatever the pattern', () => {
    for (const p of ['security.**', 'security.audit.appended', '**', '*', '*.audit.appended']) {
      expect(authorizeTopics(viewer, [p])).toBe(p);
      expect(authorizeTopics(admin, [p])).toBeNull();
    }
    expect(authorizeTopics(viewer, ['nodes.*', 'kernel.**'])).toBeNull();
    expect(authorizeTopics(viewer, ['nodes.*', 'security.**'])).toBe('security.**');
  });
  it("keeps every plugin's audit records from those without security:read", () => {
    for (const p of ['audit.**', 'audit.sessions.*', 'audit.nodes.node.join']) {
      expect(authorizeTopics(viewer, [p])).toBe(p);
      expect(authorizeTopics(admin, [p])).toBeNull();
    }
  });
  it("filters another user's session events unless the subscriber reads all sessions", () => {
    const own = eventFilterFor(who(['sessions:read', 'events:subscribe']))!;
    expect(own({ topic: 'sessions.session.running', data: { id: 's1', owner: 'u' } })).toBe(true);
    expect(own({ topic: 'sessions.session.running', data: { id: 's2', owner: 'v' } })).toBe(false);
    expect(own({ topic: 'sessions.usage', data: { rows: [['s1', 'n', 'u']] } })).toBe(false);
    expect(own({ topic: 'sessions', data: null })).toBe(false);
    expect(own({ topic: 'nodes.node.up', data: { owner: 'v' } })).toBe(true);
    // Found by review: agents' reports relayed by the nodes plugin carry every session's state and usage.
    for (const topic of ['session.state', 'session.usage', 'sessions', 'session']) {
      expect(
        own({ topic: 'nodes.agent.report', data: { node: 'n', topic, data: { id: 's2' } } }),
        topic,
      ).toBe(false);
    }
    expect(own({ topic: 'nodes.agent.report', data: { node: 'n', topic: 'cgroup', data: {} } })).toBe(true);
    expect(own({ topic: 'nodes.agent.report', data: null })).toBe(false);
    const all = eventFilterFor(who(['*']));
    expect(all).toBeUndefined();
    expect(eventFilterFor(viewer)).toBeUndefined();
    expect(eventFilterFor(who(['*'], ['sessions-all:read']))).toBeDefined();
  });
  it('needs events:subscribe (or one for the pattern)', () => {
    expect(authorizeTopics(who(['kernel:read']), ['nodes.*'])).toBe('nodes.*');
    expect(authorizeTopics(who(['events:subscribe:nodes.*']), ['nodes.*'])).toBeNull();
  });
});

describe('decision cache', () => {
  const entry = (sub: string, family: string, credentialId: string, expiresAt = 10_000) => ({
    principal: who([]),
    sub,
    family,
    credentialId,
    expiresAt,
  });
  it('forgets by subject, family or credential, and ignores expired entries', () => {
    const c = new DecisionCache();
    c.set('t1', entry('u1', 'f1', 'j1'), c.generation);
    c.set('t2', entry('u1', 'f2', 'j2'), c.generation);
    c.set('t3', entry('u2', 'f3', 'j3', 5), c.generation);
    expect(c.get('t3', 10)).toBeUndefined();
    expect(c.revoke({ family: 'f1' })).toBe(1);
    expect(c.get('t1', 0)).toBeUndefined();
    expect(c.get('t2', 0)).toBeDefined();
    expect(c.revoke({ sub: 'u1' })).toBe(1);
    expect(c.size).toBe(0);
  });
  it('does not cache a decision that raced a revocation', () => {
    const c = new DecisionCache();
    const before = c.generation;
    c.revoke({ sub: 'u1' });
    expect(c.set('t', entry('u1', 'f', 'j'), before)).toBe(false);
    expect(c.get('t', 0)).toBeUndefined();
  });
  it('is bounded: the oldest entry goes first', () => {
    const c = new DecisionCache(2);
    for (const k of ['a', 'b', 'c']) c.set(k, entry(k, k, k), c.generation);
    expect(c.get('a', 0)).toBeUndefined();
    expect(c.size).toBe(2);
  });
});

describe('revocation events', () => {
  it('names what to forget; anything else names nothing', () => {
    expect(revocationOf('security.user.changed', { id: 'u1' })).toEqual({ sub: 'u1' });
    expect(revocationOf('security.token.revoked', { family: 'f', user: 'u1' })).toEqual({ family: 'f' });
    expect(revocationOf('security.token.revoked', { tokenId: 't-1' })).toEqual({ credentialId: 't-1' });
    expect(revocationOf('security.token.revoked', { keyId: 'k-1' })).toEqual({
      credentialId: 'k-1',
      keyId: 'k-1',
    });
    expect(revocationOf('security.token.revoked', {})).toBeNull();
    expect(revocationOf('nodes.up', { id: 'u1' })).toBeNull();
    expect(revocationOf('security.user.changed', null)).toBeNull();
  });
});
