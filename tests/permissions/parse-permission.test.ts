import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { formatCapability, parseCapability } from '../../kernel/permissions/index.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return hasErrorCode(err) ? err.code : 'not-coded';
  }
  return undefined;
};

describe('parseCapability', () => {
  it.each([
    ['storage', { kind: 'storage' }],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodes.*' }],
    ['events:subscribe:metrics.**', { kind: 'events.subscribe', topic: 'metrics.**' }],
    ['http:routes', { kind: 'http.routes' }],
    ['system:read:cpu', { kind: 'system.read', area: 'cpu' }],
    ['system:read:*', { kind: 'system.read', area: '*' }],
    ['net:fetch:https://slurm.internal:6820', { kind: 'net.fetch', origin: 'https://slurm.internal:6820' }],
    ['crypto:password', { kind: 'crypto', op: 'password' }],
    ['services:call:nodes.capacity', { kind: 'services.call', service: 'nodes.capacity' }],
    ['timers', { kind: 'timers' }],
    ['log', { kind: 'log' }],
    ['auth:provider', { kind: 'auth.provider' }],
  ])('parses %s and formats it back', (s, d) => {
    expect(parseCapability(s)).toEqual(d);
    expect(formatCapability(parseCapability(s))).toBe(s);
  });

  it.each([
    ['net:fetch:https://EXAMPLE.com:443', 'net:fetch:https://example.com'],
    ['net:fetch:http://example.com:80/', 'net:fetch:http://example.com'],
    ['net:fetch:http://2130706433:8080', 'net:fetch:http://127.0.0.1:8080'],
    ['net:fetch:https://example.com.', 'net:fetch:https://example.com'],
    ['net:fetch:https://bücher.de', 'net:fetch:https://xn--bcher-kva.de'],
  ])('normalises %s to %s', (s, canonical) => {
    expect(formatCapability(parseCapability(s))).toBe(canonical);
  });

  it.each([
    '',
    'Storage',
    'storage:extra',
    'events:publish:',
    'events:publish:Nodes',
    'events:publish:a.**.b',
    'events:subscribe:a..b',
    'system:read:gpu0',
    'system:read:',
    'net:fetch:ftp://example.com',
    'net:fetch:https://user@example.com',
    'net:fetch:https://example.com@evil.com',
    'net:fetch:https://example.com/path',
    'net:fetch:https://example.com?q=1',
    'net:fetch:https://example.com#frag',
    'net:fetch:example.com',
    'crypto:keys',
    'services:call:nodes',
    'services:call:Nodes.capacity',
    'services:call:nodes.',
    'fs:read:/etc',
    'constructor',
    'toString',
  ])('refuses %j with OMEGA_ERR_MANIFEST_INVALID naming the string', (s) => {
    try {
      parseCapability(s);
      expect.unreachable();
    } catch (err) {
      expect(hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID')).toBe(true);
      expect((err as { extras: { capability: string } }).extras.capability).toBe(s);
    }
  });

  it('refuses non-strings', () => {
    expect(codeOf(() => parseCapability(42 as unknown as string))).toBe('OMEGA_ERR_MANIFEST_INVALID');
  });
});
