import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPanelTabId, panelTabId } from '../../plugins/dashboard/ui/src/shell/panels/panel-tab-id.js';

/**
 * The dashboard's own tab ids, read from tab-registry.ts's source (importing it here would pull
 * its lazily imported .tsx views into the root type-check, which has no JSX).
 */
const OWN_TABS = [
  ...readFileSync(
    join(import.meta.dirname, '..', '..', 'plugins', 'dashboard', 'ui', 'src', 'shell', 'tab-registry.ts'),
    'utf8',
  ).matchAll(/\bid: '([^']+)'/g),
].map((m) => m[1] ?? '');

describe('tab-slot panels as top-level tabs: their ids', () => {
  it('a panel tab is <plugin>.<panel>, and is recognised as one', () => {
    expect(panelTabId({ plugin: 'tabfix', id: 'board' })).toBe('tabfix.board');
    expect(isPanelTabId('tabfix.board')).toBe(true);
    expect(isPanelTabId(panelTabId({ plugin: 'a1-x', id: 'b-2' }))).toBe(true);
  });

  it("never takes one of the dashboard's own tabs, nor a malformed id, for a panel tab", () => {
    expect(OWN_TABS).toContain('sessions');
    expect(OWN_TABS.length).toBeGreaterThanOrEqual(9);
    for (const id of OWN_TABS) expect(isPanelTabId(id)).toBe(false);
    for (const id of ['', '.', 'a.', '.b', 'a.b.c', 'A.b', 'a.B', 'a/b', 'a..b', 'a.b ', '1a.b', 'a.b\n'])
      expect(isPanelTabId(id)).toBe(false);
  });
});
