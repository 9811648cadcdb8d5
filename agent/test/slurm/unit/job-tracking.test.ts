import { describe, expect, it } from 'vitest';
import { JobMemory, vanishedStatus } from '../../../src/slurm/job-memory.js';
import type { SlurmJobStatus } from '../../../src/slurm/slurm-driver.js';
import { watchJobs } from '../../../src/slurm/watch-jobs.js';

const status = (
  jobId: string,
  state: SlurmJobStatus['state'],
  slurmState: string,
  reason: string | null = null,
) => ({ ...vanishedStatus(jobId, 'u', null), state, slurmState, reason }) as SlurmJobStatus;

describe('what the driver remembers of jobs Slurm forgets', () => {
  it('answers a final state it saw, "lost" for a job it saw alive or submitted, nothing for a stranger', () => {
    const m = new JobMemory();
    m.saw({ status: status('1', 'completed', 'COMPLETED'), userId: 7 });
    m.saw({ status: status('2', 'running', 'RUNNING'), userId: 7 });
    m.submitted('3');
    expect(m.forgotten('1', 'u')?.status.state).toBe('completed');
    expect(m.forgotten('2', 'u')).toMatchObject({
      status: { state: 'lost', slurmState: 'RUNNING' },
      userId: 7,
    });
    expect(m.forgotten('3', 'u')?.status).toMatchObject({ state: 'lost', slurmState: 'UNKNOWN', user: 'u' });
    expect(m.forgotten('4', 'u')).toBeUndefined();
  });

  it('is bounded: the oldest job goes first', () => {
    const m = new JobMemory(2);
    m.submitted('1');
    m.submitted('2');
    m.submitted('3');
    expect(m.forgotten('1', 'u')).toBeUndefined();
    expect(m.forgotten('3', 'u')).toBeDefined();
  });
});

describe('watching jobs', () => {
  it('reports the list first, then only changes, a vanished live job as lost, errors without stopping; undo stops it', async () => {
    const polls: SlurmJobStatus[][] = [
      [status('1', 'pending', 'PENDING'), status('2', 'running', 'RUNNING')],
      [status('1', 'pending', 'PENDING', 'Resources'), status('2', 'running', 'RUNNING')],
      [], // both gone: 1 and 2 were alive
    ];
    let i = 0;
    const seen: string[] = [];
    const errors: string[] = [];
    const done = new Promise<void>((resolve) => {
      const stop = watchJobs(
        async () => {
          if (i === 2 && errors.length === 0) throw new Error('slurmctld busy');
          const list = polls[i] ?? [];
          if (i < polls.length) i++;
          return list;
        },
        (last) => vanishedStatus(last.jobId, 'u', last),
        (c) => {
          seen.push(`${c.jobId}:${c.previous?.state ?? '-'}>${c.status.state}:${c.status.reason ?? ''}`);
          if (seen.length === 5) {
            stop();
            resolve();
          }
        },
        { intervalMs: 200, onError: (e) => errors.push(e.message) },
      );
    });
    await done;
    expect(errors).toEqual(['slurmctld busy']);
    expect(seen).toEqual([
      '1:->pending:',
      '2:->running:',
      '1:pending>pending:Resources',
      '1:pending>lost:Slurm no longer knows this job',
      '2:running>lost:Slurm no longer knows this job',
    ]);
  });
});
