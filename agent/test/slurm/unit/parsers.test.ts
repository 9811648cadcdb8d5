import { describe, expect, it } from 'vitest';
import { expandHostlist, MAX_HOSTLIST_NAMES } from '../../../src/slurm/expand-hostlist.js';
import { expandOutputPattern } from '../../../src/slurm/expand-output-pattern.js';
import { mapNodeState } from '../../../src/slurm/map-node-state.js';
import { countGpus } from '../../../src/slurm/parse-node-record.js';
import { parseScontrolPartitions, parseSlurmDuration } from '../../../src/slurm/parse-partition-record.js';
import { parseWaitStatus } from '../../../src/slurm/parse-wait-status.js';

describe('Slurm host lists', () => {
  it.each([
    ['n1', ['n1']],
    ['n[1-3]', ['n1', 'n2', 'n3']],
    ['n[07-09,11]', ['n07', 'n08', 'n09', 'n11']],
    ['a,b[1-2],c', ['a', 'b1', 'b2', 'c']],
    ['rack[1-2]-gpu[1-2]', ['rack1-gpu1', 'rack1-gpu2', 'rack2-gpu1', 'rack2-gpu2']],
    ['', []],
  ])('%s', (list, names) => {
    expect(expandHostlist(list)).toEqual(names);
  });

  it.each(['n[1-', 'n[a-b]', 'n[3-1]', 'n]1[', 'n[[1]]'])('refuses malformed %s', (list) => {
    expect(() => expandHostlist(list)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_SLURM_PROTOCOL' }));
  });

  it('refuses a list that expands past the cap instead of allocating it', () => {
    expect(() => expandHostlist(`n[1-${MAX_HOSTLIST_NAMES + 1}]`)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SLURM_PROTOCOL' }),
    );
    expect(() => expandHostlist('a[1-1000]-b[1-1000]')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SLURM_PROTOCOL' }),
    );
  });
});

describe('Slurm wait statuses', () => {
  it.each([
    [0, { exitCode: 0, signal: null }],
    [768, { exitCode: 3, signal: null }],
    [9, { exitCode: null, signal: 9 }],
    [15, { exitCode: null, signal: 15 }],
    [253, { exitCode: null, signal: null }], // what 22.05 stores for an OOM kill: neither
    [null, { exitCode: null, signal: null }],
    [-1, { exitCode: null, signal: null }],
  ])('%s', (status, expected) => {
    expect(parseWaitStatus(status)).toEqual(expected);
  });
});

describe('Slurm durations', () => {
  it.each([
    ['UNLIMITED', null],
    ['30', 30],
    ['30:01', 31],
    ['01:00:00', 60],
    ['1-00:00:00', 1440],
    ['2-12', 3600],
    ['1-01:30', 1530],
  ])('%s → %s minutes', (text, minutes) => {
    expect(parseSlurmDuration(text)).toBe(minutes);
  });

  it('refuses anything else', () => {
    expect(() => parseSlurmDuration('soon')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_SLURM_PROTOCOL' }),
    );
  });
});

describe('scontrol show partition --oneliner', () => {
  it('reads name, state, nodes, CPUs, MaxTime and Default', () => {
    const text =
      'PartitionName=main AllowGroups=ALL Default=YES MaxTime=01:00:00 Nodes=n[1-2] State=UP TotalCPUs=4 TotalNodes=2 TRES=cpu=4,mem=8G\n' +
      'PartitionName=long Default=NO MaxTime=UNLIMITED Nodes=n3 State=DRAIN TotalCPUs=2 TotalNodes=1\n';
    expect(parseScontrolPartitions(text)).toEqual([
      {
        name: 'main',
        state: 'up',
        nodes: ['n1', 'n2'],
        totalCpus: 4,
        totalNodes: 2,
        maxTimeMinutes: 60,
        isDefault: true,
      },
      {
        name: 'long',
        state: 'drain',
        nodes: ['n3'],
        totalCpus: 2,
        totalNodes: 1,
        maxTimeMinutes: null,
        isDefault: false,
      },
    ]);
  });
});

describe('node states', () => {
  it.each([
    ['idle', [], 'idle'],
    ['mixed', [], 'mixed'],
    ['allocated', [], 'allocated'],
    ['idle', ['DRAIN'], 'drained'],
    ['mixed', ['DRAIN'], 'draining'],
    ['allocated', ['DRAIN'], 'draining'],
    ['allocated', ['FAIL'], 'draining'],
    ['idle', ['DRAIN', 'COMPLETING'], 'draining'],
    ['down', ['DRAIN'], 'down'],
    ['down', ['NOT_RESPONDING'], 'down'],
    ['error', [], 'down'],
    ['idle', ['COMPLETING'], 'completing'],
    ['idle', ['NOT_RESPONDING'], 'idle'],
    ['future', [], 'future'],
    ['unknown', [], 'unknown'],
  ] as const)('%s + %j → %s', (base, flags, state) => {
    expect(mapNodeState(base, flags)).toBe(state);
  });
});

describe('GPU counts in gres strings', () => {
  it.each([
    ['', 0],
    ['gpu:2', 2],
    ['gpu:a100:4(S:0-1)', 4],
    ['gpu:tesla:2,gpu:k80:1,shard:8', 3],
    ['mps:100', 0],
  ])('%s → %s', (gres, n) => {
    expect(countGpus(gres)).toBe(n);
  });
});

describe('output filename patterns', () => {
  const ctx = { jobId: '42', user: 'ada', name: 'train', batchHost: 'n1', cwd: '/home/ada/run' };
  it.each([
    ['/logs/omega-%j.out', '/logs/omega-42.out'],
    ['slurm-%j.out', '/home/ada/run/slurm-42.out'],
    ['/logs/%u/%x-%A_%a.%N.log', '/logs/ada/train-42_4294967294.n1.log'],
    ['/logs/%5j-%%.out', '/logs/00042-%.out'],
    ['/logs/literal\\%j', '/logs/literal%j'],
  ])('%s → %s', (pattern, path) => {
    expect(expandOutputPattern(pattern, ctx)).toBe(path);
  });

  it.each(['/logs/%J.out', '/logs/%s.out', '/logs/%t.out', '/logs/%n.out'])(
    'gives null for step-dependent %s',
    (p) => {
      expect(expandOutputPattern(p, ctx)).toBeNull();
    },
  );
});
