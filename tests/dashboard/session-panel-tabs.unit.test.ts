import { describe, expect, it } from 'vitest';
import { isPanelTabId, panelTabId } from '../../plugins/dashboard/ui/src/shell/panels/panel-tab-id.js';
import { TABS } from '../../plugins/dashboard/ui/src/shell/tab-registry.js';

describe('tab-slot panels as top-level tabs: their ids', () => {
  it('a panel tab is <plugin>.<panel>, and is recognised as one', () => {
    expect(panelTabId({ plugin: 'tabfix', id: 'board' })).toBe('tabfix.board');
    expect(isPanelTabId('tabfix.board')).toBe(true);
    expect(isPanelTabId(panelTabId({ plugin: 'a1-x', id: 'b-2' }))).toBe(true);
  });

  it("never takes one of the dashboard's own tabs, nor a malformed id, for a panel tab", () => {
    for (const tab of TABS) expect(isPanelTabId(tab.id)).toBe(false);
    for (const id of ['', '.', 'a.', '.b', 'a.b.c', 'A.b', 'a.B', 'a/b', 'a..b', 'a.b ', '1a.b', 'a.b\n'])
      expect(isPanelTabId(id)).toBe(false);
  });
});
