import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import {
  type CapabilityDescriptor,
  createPermissionGate,
  type DenyRecord,
  GATE_MEMO_MAX,
} from '../../kernel/permissions/index.js';

/*
 * The gate remembers allowed requests by their raw kind and scope. What it remembers must never
 * allow what the grants do not: denials are decided (and recorded) every time, requests that
 * normalise alike but are written differently are decided on their own, and a full memo starts
 * again without changing a decision.
 */

const denies = (fn: () => void): boolean => {
  try {
    fn();
    return false;
  } catch (err) {
    if (hasErrorCode(err, 'OMEGA_ERR_PERM_DENIED')) return true;
    throw err;
  }
};

describe('the permission gate memo', () => {
  const perms = ['events:publish:metrics.**', 'system:read:cpu', 'net:fetch:https://api.example.com'];

  it('answers a repeated allowed request the same, and records every repeated denial', () => {
    const records: DenyRecord[] = [];
    const gate = createPermissionGate({
      plugin: 'demo',
      declared: perms,
      granted: perms,
      onDeny: (r) => records.push(r),
    });
    for (let i = 0; i < 3; i++) {
      expect(denies(() => gate.check({ kind: 'events.publish', topic: 'metrics.sample' }))).toBe(false);
      expect(gate.allows({ kind: 'system.read', area: 'cpu' })).toBe(true);
      expect(denies(() => gate.check({ kind: 'system.read', area: 'memory' }))).toBe(true);
      expect(gate.allows({ kind: 'events.publish', topic: 'nodes.up' })).toBe(false);
    }
    expect(records.map((r) => r.asked)).toEqual([
      'system:read:memory',
      'system:read:memory',
      'system:read:memory',
    ]);
  });

  it('decides each raw spelling on its own, after an allowed one is remembered', () => {
    const gate = createPermissionGate({ plugin: 'demo', declared: perms, granted: perms });
    const tricks: [CapabilityDescriptor, boolean][] = [
      [{ kind: 'net.fetch', origin: 'https://api.example.com' }, true],
      [{ kind: 'net.fetch', origin: 'https://api.example.com:443/x' }, true],
      [{ kind: 'net.fetch', origin: 'https://api.example.com.evil.test' }, false],
      [{ kind: 'net.fetch', origin: 'https://user@api.example.com' }, false],
      [{ kind: 'net.fetch', origin: 'http://api.example.com' }, false],
      [{ kind: 'events.publish', topic: 'metrics.sample' }, true],
      [{ kind: 'events.publish', topic: 'metrics.*' }, false],
      [{ kind: 'events.publish', topic: 'metrics..sample' }, false],
      [{ kind: 'events.publish', topic: 'METRICS.sample' }, false],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [d, ok] of tricks) expect([d, gate.allows(d)]).toEqual([d, ok]);
      for (const [d, ok] of tricks) expect([d, !denies(() => gate.check(d))]).toEqual([d, ok]);
    }
  });

  it('keeps its decisions when more distinct requests than it remembers come by', () => {
    const gate = createPermissionGate({ plugin: 'demo', declared: perms, granted: perms });
    for (let i = 0; i < GATE_MEMO_MAX * 2 + 7; i++) {
      expect(gate.allows({ kind: 'events.publish', topic: `metrics.t${i}` })).toBe(true);
      expect(gate.allows({ kind: 'events.publish', topic: `other.t${i}` })).toBe(false);
    }
    expect(denies(() => gate.check({ kind: 'events.publish', topic: 'metrics.t0' }))).toBe(false);
  });

  it('refuses a malformed request every time (nothing remembered for it)', () => {
    const gate = createPermissionGate({ plugin: 'demo', declared: perms, granted: perms });
    const bad = [
      { kind: 'events.publish', topic: 7 },
      { kind: 'nope' },
      null,
    ] as unknown as CapabilityDescriptor[];
    for (let i = 0; i < 2; i++) for (const d of bad) expect(denies(() => gate.check(d))).toBe(true);
  });
});
