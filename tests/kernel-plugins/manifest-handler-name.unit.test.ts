import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { parseManifest } from '../../kernel/plugins/index.js';
import { manifestFor } from '../plugins/write-plugin.js';

const withRoute = (handler: string) =>
  JSON.stringify(
    manifestFor('demo', {
      permissions: ['http:routes'],
      routes: [{ method: 'GET', path: '/x', handler, permission: 'public' }],
    }),
  );

describe("a route's handler name", () => {
  it('is an identifier of at most 128 characters (it travels in every call frame)', () => {
    expect(parseManifest(withRoute(`h${'x'.repeat(127)}`), 'plugin.json').routes?.[0]?.handler).toHaveLength(
      128,
    );
    for (const handler of [`h${'x'.repeat(128)}`, 'h'.repeat(70_000), '1x', 'a-b']) {
      let err: unknown;
      try {
        parseManifest(withRoute(handler), 'plugin.json');
      } catch (e) {
        err = e;
      }
      expect(hasErrorCode(err, 'OMEGA_ERR_MANIFEST_INVALID'), handler.slice(0, 20)).toBe(true);
      expect(String((err as Error).message)).toContain('identifier');
    }
  });
});
