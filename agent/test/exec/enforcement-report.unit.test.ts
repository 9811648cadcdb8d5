import { describe, expect, it } from 'vitest';
import type { CgroupLayout } from '../../src/exec/cgroup/cgroup-layout.js';
import { buildEnforcementReport, FEATURES } from '../../src/exec/enforcement-report.js';

const none: CgroupLayout = { mode: 'none', unified: null, v1: {}, notes: ['no cgroup hierarchy is mounted'] };
const v1: CgroupLayout = {
  mode: 'v1',
  unified: null,
  v1: Object.fromEntries(
    ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer'].map((c) => [
      c,
      { mount: `/m/${c}`, own: '/', base: `/m/${c}/omega` },
    ]),
  ),
  notes: [],
};

describe('the enforcement report', () => {
  it('without cgroups and without root says what is not enforced, and why', () => {
    const r = buildEnforcementReport({
      layout: none,
      root: false,
      supervisor: 'direct',
      quota: null,
      cpus: [0],
      mems: [0],
    });
    expect(r.lines).toEqual([
      'cpu weight: approximate (nice value derived from the weight)',
      'cpu cap: not enforced: no writable cgroup',
      'pinned cores: approximate (sched_setaffinity only: the session can widen its own affinity)',
      'memory limit: not enforced: no writable cgroup',
      'pids limit: not enforced: no writable cgroup',
      'pause: approximate (SIGTSTP, then SIGSTOP to every process of the session: not a freeze (a process can be continued by its own uid))',
      'tree kill: enforced (every descendant of the supervisor (a child subreaper) and every process of the session uid)',
      'oom detection: not enforced: no writable cgroup',
      'usage: approximate (sum over the live processes in /proc (time of exited processes is not counted))',
      'uid isolation: not enforced: the agent is not root: sessions run as the agent’s own user',
      'disk quota: not enforced: the agent is not root',
      'log cap: not enforced: no supervisor helper (no C compiler): the session writes its log files directly',
      'adoption: approximate (sessions survive an agent restart, but an exit while the agent is down loses its status)',
    ]);
    expect(r.notes).toEqual(['no cgroup hierarchy is mounted']);
  });

  it('with v1 controllers says each is enforced by its v1 file', () => {
    const r = buildEnforcementReport({
      layout: v1,
      root: true,
      supervisor: 'helper',
      quota: 'tmpfs',
      cpus: [0, 1],
      mems: [0],
    });
    expect(Object.keys(r.features)).toEqual(Object.keys(FEATURES));
    expect(Object.values(r.features).every((f) => f.level === 'enforced')).toBe(true);
    expect(r.features.memory.text).toBe('memory limit: enforced (cgroup v1 memory.limit_in_bytes)');
    expect(r.features.treeKill.text).toBe(
      'tree kill: enforced (freeze, SIGKILL every pid of the cgroup, thaw)',
    );
    expect(r.features.pause.text).toBe('pause: enforced (SIGTSTP, then cgroup v1 freezer until FROZEN)');
  });
});
