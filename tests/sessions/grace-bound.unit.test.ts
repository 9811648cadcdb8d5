import { describe, expect, it } from 'vitest';
import { MAX_GRACE_MS as AGENT_MAX_GRACE_MS } from '../../agent/src/exec/index.js';
import { MAX_GRACE_MS, SETTING_RANGES } from '../../plugins/sessions/src/settings/sessions-settings.js';

/*
 * The plugin's bound on a terminate's grace is the agent's: when they drifted apart (a 1 h default
 * allowed by the settings, 10 min taken by the agent), every terminate that named no grace was
 * refused on the node.
 */
describe('the grace of a terminate', () => {
  it('is bounded in the sessions plugin exactly as the agent bounds it', () => {
    expect(MAX_GRACE_MS).toBe(AGENT_MAX_GRACE_MS);
    expect(SETTING_RANGES.defaultGraceMs[1]).toBe(AGENT_MAX_GRACE_MS);
  });
});
