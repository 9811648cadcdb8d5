import { describe, expect, it } from 'vitest';
import { nodeEnforcementLines } from '../../cli/commands/node-enforcement-lines.js';

/*
 * Found from outside: docs/sessions.md says the node view (`omega nodes show`) carries what the
 * node really enforces, and `omega nodes show` printed none of it (only --json had
 * status.cgroup). A report as a real agent sent it on a hybrid host (trimmed to three features).
 */
describe('omega nodes show: enforcement lines', () => {
  it('prints the mode, one line per feature in the agent’s words, and its notes', () => {
    const report = {
      mode: 'hybrid',
      features: {
        cpuCap: {
          level: 'enforced',
          mechanism: 'cgroup v1 cpu.cfs_quota_us',
          text: 'cpu cap: enforced (cgroup v1 cpu.cfs_quota_us)',
        },
        memory: {
          level: 'enforced',
          mechanism: 'cgroup v1 memory.limit_in_bytes',
          text: 'memory limit: enforced (cgroup v1 memory.limit_in_bytes)',
        },
        diskQuota: { level: 'none', text: 'disk quota: not enforced (no /dev/loop-control)' },
      },
      notes: ['cgroup v2 refuses hybrid mode'],
    };
    expect(nodeEnforcementLines(report)).toEqual([
      'cgroup       hybrid',
      'enforcement  cpu cap: enforced (cgroup v1 cpu.cfs_quota_us)',
      'enforcement  memory limit: enforced (cgroup v1 memory.limit_in_bytes)',
      'enforcement  disk quota: not enforced (no /dev/loop-control)',
      'note         cgroup v2 refuses hybrid mode',
    ]);
  });

  it("keeps each of an agent's texts on its own line (found by review: newlines forged lines)", () => {
    const forged = 'memory: none\nagent        0.1.0 key SHA256:forged\r\nstate        ready';
    const lines = nodeEnforcementLines({
      mode: 'v2\nstate ready',
      features: { m: { text: forged } },
      notes: [forged],
    });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });

  it('prints nothing for a node without a report, and skips what is not text', () => {
    expect(nodeEnforcementLines(undefined)).toEqual([]);
    expect(nodeEnforcementLines('hybrid')).toEqual([]);
    expect(nodeEnforcementLines({ features: { a: null, b: { text: 3 } }, notes: [1] })).toEqual([]);
  });
});
