import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { JOB_STATE_TABLE } from '../../../src/slurm/job-state-table.js';

const doc = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'slurm.md'), 'utf8');
const rows = (header: string) => {
  const start = doc.indexOf(header);
  const lines = doc.slice(start).split('\n').slice(2);
  return lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('|')),
  );
};

describe('docs/slurm.md', () => {
  it('shows exactly the job state table of the code', () => {
    const expected = Object.entries(JOB_STATE_TABLE).map(([s, m]) => `| \`${s}\` | ${m.state} | ${m.why} |`);
    expect(rows('| Slurm state | Omega state | meaning |').sort()).toEqual(expected.sort());
  });

  it('lists exactly the error codes of the driver', () => {
    const slurm = Object.entries(ERROR_CODES).filter(([code]) => code.startsWith('OMEGA_ERR_SLURM_'));
    const expected = slurm.map(([code, s]) => `| \`${code}\` | ${s.status} | ${s.title} | ${s.fix} |`);
    expect(rows('| code | status | title | what to do |')).toEqual(expected);
  });
});
