import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SESSION_STATES } from '../src/contract.js';
import { SESSION_ERRORS } from '../src/errors/session-errors.js';
import { DEFAULT_SETTINGS } from '../src/settings/sessions-settings.js';

/* docs/sessions.md keeps in step with the code: every error code, route, state and setting it documents. */

const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'sessions.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'plugin.json'), 'utf8')) as {
  routes: Array<{ method: string; path: string; permission: string }>;
  permissions: string[];
};

describe('docs/sessions.md', () => {
  it('lists every error code of the plugin with its status and fix', () => {
    for (const [code, spec] of Object.entries(SESSION_ERRORS))
      expect(doc).toContain(`| \`${code}\` | ${spec.status} | ${spec.fix} |`);
  });

  it('lists every route with its permission, and no route that does not exist', () => {
    const documented = [
      ...doc.matchAll(/^\| (GET|POST|PUT|DELETE|PATCH) \| `(\/api\/v1\/sessions[^`]*)` \|/gm),
    ];
    const actual = manifest.routes.map(
      (r) => `${r.method} /api/v1/sessions${r.path === '/' ? '' : r.path.replace(/:(\w+)/g, '{$1}')}`,
    );
    for (const r of manifest.routes) {
      const path = `/api/v1/sessions${r.path === '/' ? '' : r.path.replace(/:(\w+)/g, '{$1}')}`;
      expect(doc, `${r.method} ${path}`).toContain(`| ${r.method} | \`${path}\` | \`${r.permission}\` |`);
    }
    expect(documented.map((m) => `${m[1]} ${m[2]}`).sort()).toEqual(actual.sort());
  });

  it('gives every state its reasons', () => {
    for (const s of SESSION_STATES) expect(doc, s).toMatch(new RegExp(`^\\| \`${s}\` \\| `, 'm'));
  });

  it('states the fixed settings', () => {
    for (const [k, v] of Object.entries(DEFAULT_SETTINGS))
      expect(doc).toContain(`| \`${k}\` | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} |`);
  });

  it('names, for each hostile workload, tests that exist', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const section = doc.slice(doc.indexOf('## Hostile workloads'), doc.indexOf('## Quotas'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| hostile'));
    expect(rows.length).toBe(11); // the list has eleven items
    for (const row of rows) {
      const refs = [...row.matchAll(/`([^`]+\.test\.ts)` — “([^”]+)”/g)];
      expect(refs.length, row).toBeGreaterThan(0);
      for (const [, file, title] of refs) {
        expect(existsSync(join(root, file!)), file).toBe(true);
        expect(readFileSync(join(root, file!), 'utf8'), `${file}: ${title}`).toContain(`'${title}'`);
      }
    }
  });
});
