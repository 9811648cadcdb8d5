import { describe, expect, it } from 'vitest';
import { heatClass } from '../../plugins/dashboard/ui/src/tabs/network/network-model.js';
import { layoutTopology } from '../../plugins/dashboard/ui/src/tabs/network/topology-layout.js';
import { cpuList } from '../../plugins/dashboard/ui/src/tabs/resources/cpu-list.js';
import { fullText } from '../../plugins/dashboard/ui/src/tabs/resources/full-estimate.js';
import { sensorLevel } from '../../plugins/dashboard/ui/src/tabs/resources/sensor-level.js';
import {
  buildSpec,
  EMPTY_START_FORM,
  problemFieldErrors,
  type StartFormValues,
  splitArgs,
} from '../../plugins/dashboard/ui/src/tabs/sessions/session-form-model.js';
import { readSession } from '../../plugins/dashboard/ui/src/tabs/sessions/session-model.js';

const FORM: StartFormValues = { ...EMPTY_START_FORM, command: 'python' };

describe('Resources, Network and start-form logic', () => {
  it('splits arguments as a shell would, without expanding; an open quote is an error', () => {
    expect(splitArgs(`train.py --lr 0.1 'a b' "c \\"d\\"" e\\ f ''`)).toEqual([
      'train.py',
      '--lr',
      '0.1',
      'a b',
      'c "d"',
      'e f',
      '',
    ]);
    expect(splitArgs('  $HOME *.txt  ')).toEqual(['$HOME', '*.txt']);
    expect(splitArgs(`it's`)).toBeUndefined();
    expect(splitArgs('"open')).toBeUndefined();
    expect(splitArgs('')).toEqual([]);
  });

  it('builds only the given spec fields; malformed numbers go as typed for the server to name', () => {
    expect(buildSpec(FORM).spec).toEqual({ command: 'python' });
    const full = buildSpec(
      {
        ...FORM,
        name: 'job',
        args: 'a "b c"',
        cpuKind: 'cores',
        cpu: '4',
        memory: '2G',
        gpus: 'two',
        nodeSelector: ' zone=a ',
        priority: '-3',
        timeLimit: '2h',
      },
      7,
    );
    expect(full.spec).toEqual({
      name: 'job-7',
      command: 'python',
      args: ['a', 'b c'],
      resources: { cores: 4, memory: '2G', gpus: 'two' },
      nodeSelector: 'zone=a',
      priority: -3,
      timeLimit: '2h',
    });
    expect(buildSpec({ ...FORM, mode: 'script', script: 'echo hi' }).spec).toEqual({ script: 'echo hi' });
    expect(buildSpec({ ...FORM, args: "'x" }).errors).toEqual({ args: 'unterminated quote' });
  });

  it('maps problem+json field errors onto form fields (unknown ones to the form)', () => {
    expect(
      problemFieldErrors({
        errors: [
          { field: 'resources.millicores', message: 'm1' },
          { field: 'args[2]', message: 'a2' },
          { field: 'args[3]', message: 'a3' },
          { field: 'args.4', message: 'a4' },
          { field: 'spec.timeLimit', message: 't' },
          { field: 'env.X', message: 'e' },
          { nope: 1 },
        ],
      }),
    ).toEqual({ cpu: 'm1', args: 'a2; a3; a4', timeLimit: 't', form: 'env.X: e' });
    expect(problemFieldErrors(undefined)).toEqual({});
  });

  it('says "full in N days (low–high)" only for a filling estimate; otherwise why not', () => {
    expect(fullText({ status: 'filling', days: 12.5, daysLow: 9, daysHigh: 17 })).toEqual({
      kind: 'days',
      days: 12.5,
      low: 9,
      high: 17,
    });
    expect(fullText({ status: 'filling', days: 0 })).toEqual({ kind: 'full' });
    expect(fullText({ status: 'unknown', reason: 'need at least 3 samples, have 1' })).toEqual({
      kind: 'unknown',
      reason: 'need at least 3 samples, have 1',
    });
    expect(fullText({ status: 'not-filling', reason: 'usage is flat' }).kind).toBe('not-filling');
    expect(fullText(undefined)).toEqual({ kind: 'unknown' });
  });

  it('collapses CPU lists and judges sensors against max and critical', () => {
    expect(cpuList([3, 0, 1, 2, 8, 10, 9])).toBe('0-3,8-10');
    expect(cpuList([5])).toBe('5');
    expect(sensorLevel({ celsius: 60, maxCelsius: 80, criticalCelsius: 100 })).toBe('ok');
    expect(sensorLevel({ celsius: 82, maxCelsius: 80, criticalCelsius: 100 })).toBe('hot');
    expect(sensorLevel({ celsius: 96, maxCelsius: 80, criticalCelsius: 100 })).toBe('crit');
    expect(sensorLevel({ celsius: 120 })).toBe('ok');
  });

  it("colours links by the plugin's status and lays the topology out by shared subnet", () => {
    expect(heatClass('ok')).toContain('heat-ok');
    expect(heatClass('degraded')).toContain('heat-warn');
    expect(heatClass('unreachable')).toContain('heat-bad');
    expect(heatClass('stale')).toContain('heat-none');
    const l = layoutTopology({
      at: '',
      nodes: [
        { id: 'c', name: 'c', state: 'ready' },
        { id: 'b', name: 'b', state: 'ready' },
        { id: 'a', name: 'a', state: 'down' },
      ],
      subnets: [
        { id: 'fd00::/64', family: 'IPv6', prefix: 64, nodes: 1 },
        { id: '10.0.1.0/24', family: 'IPv4', prefix: 24, nodes: 1 },
        { id: '10.0.0.0/24', family: 'IPv4', prefix: 24, nodes: 2 },
      ],
      links: [
        { node: 'a', interface: 'eth0', subnet: '10.0.1.0/24', address: '10.0.1.2', operstate: 'up' },
        { node: 'b', interface: 'eth0', subnet: '10.0.0.0/24', address: '10.0.0.2', operstate: 'up' },
        { node: 'c', interface: 'eth0', subnet: '10.0.0.0/24', address: '10.0.0.3', operstate: 'down' },
        { node: 'c', interface: 'eth1', subnet: 'fd00::/64', address: 'fd00::3', operstate: 'up' },
      ],
    });
    // IPv4 before IPv6; nodes grouped under their first subnet, then by name.
    expect(l.subnets.map((s) => s.id)).toEqual(['10.0.0.0/24', '10.0.1.0/24', 'fd00::/64']);
    expect(l.nodes.map((n) => n.id)).toEqual(['b', 'c', 'a']);
    expect(l.links).toHaveLength(4);
    expect(l.links.find((x) => x.node === 'c' && x.subnet === '10.0.0.0/24')?.up).toBe(false);
    // A subnet spans the nodes it connects.
    const s0 = l.subnets[0]!;
    const [b, c] = [l.nodes[0]!, l.nodes[1]!];
    expect(s0.x).toBe(b.x);
    expect(s0.x + s0.w).toBeGreaterThan(c.x);
    expect(layoutTopology({ at: '', nodes: l.nodes, subnets: [], links: [] }, 2).hidden).toBe(1);
  });
});

describe('readSession on the sessions API as it answers', () => {
  it('takes the node from the placement, the owner by name, whole cores as millicores', () => {
    const v = readSession({
      id: 's-1',
      owner: { id: 'u-1', name: 'ann' },
      spec: { command: 'sleep', args: ['600'], resources: { cores: 2, memoryBytes: 64 * 2 ** 20, gpus: 0 } },
      status: { state: 'running', reason: 'running on h1', placement: { node: 'nd-1', nodeName: 'h1' } },
    });
    expect([v.node, v.user, v.cpuMillis, v.command]).toEqual(['h1', 'ann', 2000, 'sleep 600']);
  });
});
