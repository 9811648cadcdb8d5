import { describe, expect, it } from 'vitest';
import { sessionText } from '../../cli/commands/sessions/session-text.js';

/*
 * Newcomer walk: in `omega sessions list`, "4096 cores" was wider than the CPU column (9) and
 * pushed the rest of its row one place right, out of line with the header and the other rows.
 */
const T = new Date().toISOString();
const session = (id: string, cores: number, memoryBytes: number) => ({
  id,
  owner: { id: 'u-1', name: 'ops' },
  spec: {
    name: 'job',
    command: 'true',
    args: [],
    resources: { cores, memoryBytes, gpus: 0 },
    nodeSelector: '',
    priority: 0,
    target: { kind: 'nodes' },
  },
  status: { state: 'running', reason: 'started', since: T, placement: { nodeName: 'vm' } },
  history: [],
  createdAt: T,
});

describe('sessions list columns', () => {
  it('keeps every column in line when a cell is wider than its header', () => {
    const text = sessionText('list', {
      items: [session('s-1', 1, 2 ** 30), session('s-2', 4096, 2 ** 30), session('s-3', 2, 1000 * 2 ** 40)],
    });
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('4096 cores');
    // The AGE column ends, and REASON starts, at the same place on every line.
    const reasonAt = lines.map((l) => l.search(/ {2}(REASON|started)$/));
    expect(reasonAt[0]).toBeGreaterThan(0);
    expect(new Set(reasonAt).size).toBe(1);
    // …and so does the (right-aligned) MEMORY column, after the widened CPU column.
    const memoryEnd = lines.map((l) => {
      const m = /MEMORY|[KMGT]iB/.exec(l);
      return m ? m.index + m[0].length : -1;
    });
    expect(memoryEnd[0]).toBeGreaterThan(0);
    expect(new Set(memoryEnd).size).toBe(1);
  });
});
