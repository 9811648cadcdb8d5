import { describe, expect, it } from 'vitest';
import { panelConsent, panelsAfterInstall } from '../../kernel/plugins/ui/index.js';
import { consentPlan, describePlan, permissionDiff } from '../../marketplace/resolve/index.js';

const cpu = {
  id: 'cpu',
  slot: 'node-page' as const,
  topics: ['metrics.sample'],
  reads: [] as string[],
  actions: [] as Array<{ id: string; permission: string }>,
};

describe('panels in the install consent (issue #19)', () => {
  it('a panel is one consent line naming everything it may be shown or ask for', () => {
    const cordon = { id: 'nodes.cordon', permission: 'plugins:write' };
    expect(panelConsent({ ...cpu, reads: ['/api/v1/nodes/{id}'], actions: [cordon] })).toBe(
      'panel cpu on node-page: topics metrics.sample; reads /api/v1/nodes/{id}; actions nodes.cordon',
    );
  });

  it("an action's own permission is part of its consent line: changing it is a new line", () => {
    const kill = (permission: string) =>
      panelConsent({ ...cpu, actions: [{ id: 'sessions.kill', permission }] });
    expect(kill('sessions:write')).toBe(
      'panel cpu on node-page: topics metrics.sample; reads none; actions sessions.kill (needs sessions:write)',
    );
    // Lowering what a user needs widens who can drive the plugin: the consent diff shows it.
    const base = { permissions: [], limits: {} };
    const lowered = permissionDiff(
      { ...base, panels: [kill('sessions:write')] },
      { ...base, panels: [kill('plugins:write')] },
    );
    expect([lowered.panels.added, lowered.escalating]).toEqual([[kill('plugins:write')], true]);
  });

  it('a fresh install with panels, a new panel and a widened panel escalate; a removed one does not', () => {
    const base = { permissions: [], limits: {} };
    const fresh = permissionDiff(undefined, { ...base, panels: [panelConsent(cpu)] });
    expect([fresh.panels.added, fresh.escalating]).toEqual([[panelConsent(cpu)], true]);
    const wider = panelConsent({ ...cpu, topics: ['metrics.**'] });
    const up = permissionDiff({ ...base, panels: [panelConsent(cpu)] }, { ...base, panels: [wider] });
    expect([up.panels, up.escalating]).toEqual([{ added: [wider], removed: [panelConsent(cpu)] }, true]);
    const same = permissionDiff(
      { ...base, panels: [panelConsent(cpu)] },
      { ...base, panels: [panelConsent(cpu)] },
    );
    expect([same.panels, same.escalating]).toEqual([{ added: [], removed: [] }, false]);
    const gone = permissionDiff({ ...base, panels: [panelConsent(cpu)] }, base);
    expect([gone.panels.removed, gone.escalating]).toEqual([[panelConsent(cpu)], false]);
    const plan = consentPlan({ op: 'file', name: 'x' }, [
      { name: 'x', to: '1.0.0', source: 'file', publisher: 'p', artifact: 'sha512-x', diff: fresh },
    ]);
    expect(describePlan(plan)).toContain(`  + ${panelConsent(cpu)}`);
  });

  it('an install grants every declared panel; an upgrade keeps revocations and grants new panels', () => {
    expect(panelsAfterInstall(['a', 'b'], [], [])).toEqual(['a', 'b']);
    expect(panelsAfterInstall(['a', 'b', 'c'], ['a', 'b'], ['a'])).toEqual(['a', 'c']);
  });
});
