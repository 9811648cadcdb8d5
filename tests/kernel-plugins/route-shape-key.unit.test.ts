import { routeShapeKey } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../kernel/plugins/index.js';
import { manifestFor } from '../plugins/write-plugin.js';

/*
 * One route identity, parameter names aside, for the three places that compare routes: a
 * manifest's duplicate check, the consent diff across versions and an operator's route override.
 */
describe('routeShapeKey', () => {
  it('writes a route without its parameter names', () => {
    expect(routeShapeKey('GET', '/greetings/:who')).toBe('GET /greetings/:');
    expect(routeShapeKey('GET', '/greetings/:name')).toBe(routeShapeKey('GET', '/greetings/:who'));
    expect(routeShapeKey('POST', '/greetings/:who')).not.toBe(routeShapeKey('GET', '/greetings/:who'));
  });

  it('makes two routes that differ only in a parameter name a duplicate in a manifest', () => {
    const manifest = manifestFor('demo', {
      permissions: ['http:routes'],
      routes: [
        { method: 'GET', path: '/a/:x', handler: 'one', permission: 'public' },
        { method: 'GET', path: '/a/:y', handler: 'two', permission: 'public' },
      ],
    });
    expect(() => parseManifest(JSON.stringify(manifest), 'plugin.json')).toThrow(
      /duplicates routes\[0\] \(GET \/a\/:y\)/,
    );
  });
});
