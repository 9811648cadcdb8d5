import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_ERRORS } from '../src/errors/node-errors.js';
import { DEFAULT_SETTINGS } from '../src/liveness/liveness-settings.js';

/* docs/nodes.md keeps in step with the code: every error code, route and default it documents. */

const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'nodes.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'plugin.json'), 'utf8')) as {
  routes: Array<{ method: string; path: string; permission: string }>;
};

describe('docs/nodes.md', () => {
  it('lists every error code of the plugin with its status and fix', () => {
    for (const [code, spec] of Object.entries(NODE_ERRORS))
      expect(doc).toContain(`| \`${code}\` | ${spec.status} | ${spec.fix} |`);
  });

  it('lists every route with its permission', () => {
    for (const r of manifest.routes) {
      const path = `/api/v1/nodes${r.path === '/' ? '' : r.path.replace(/:(\w+)/g, '{$1}')}`;
      expect(doc, `${r.method} ${path}`).toContain(`| ${r.method} | \`${path}\` | \`${r.permission}\` |`);
    }
  });

  it('states the default bounds', () => {
    for (const [k, v] of Object.entries(DEFAULT_SETTINGS))
      expect(doc).toContain(`| \`${k}\` | ${v.toLocaleString('en-US')} |`);
  });
});
