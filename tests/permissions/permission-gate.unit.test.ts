import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../kernel/errors/index.js';
import {
  type CapabilityDescriptor,
  createPermissionGate,
  type DenyRecord,
  formatCapability,
} from '../../kernel/permissions/index.js';

/** A gate where everything declared is granted. */
const gateOf = (declared: string[], denied: string[] = []) =>
  createPermissionGate({ plugin: 'demo', declared, granted: declared, denied });

type Case = [declared: string, requested: CapabilityDescriptor, allowed: boolean];

const cases: Record<string, Case[]> = {
  storage: [
    ['storage', { kind: 'storage' }, true],
    ['log', { kind: 'storage' }, false],
  ],
  'http.routes': [
    ['http:routes', { kind: 'http.routes' }, true],
    ['storage', { kind: 'http.routes' }, false],
  ],
  timers: [
    ['timers', { kind: 'timers' }, true],
    ['log', { kind: 'timers' }, false],
  ],
  log: [
    ['log', { kind: 'log' }, true],
    ['timers', { kind: 'log' }, false],
  ],
  'auth.provider': [
    ['auth:provider', { kind: 'auth.provider' }, true],
    ['http:routes', { kind: 'auth.provider' }, false],
  ],
  'events.publish': [
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodes.up' }, true],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodes.up.x' }, false],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodes' }, false],
    ['events:publish:nodes.**', { kind: 'events.publish', topic: 'nodes' }, true],
    ['events:publish:nodes.**', { kind: 'events.publish', topic: 'nodes.a.b.c' }, true],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodesx.up' }, false],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'metrics.up' }, false],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'NODES.up' }, false],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodes.*' }, false],
    ['events:publish:nodes.**', { kind: 'events.publish', topic: 'nodes.**' }, false],
    ['events:publish:nodes.*', { kind: 'events.publish', topic: 'nodes..up' }, false],
    ['events:subscribe:nodes.*', { kind: 'events.publish', topic: 'nodes.up' }, false],
  ],
  'events.subscribe': [
    ['events:subscribe:metrics.*', { kind: 'events.subscribe', topic: 'metrics.cpu' }, true],
    ['events:subscribe:metrics.*', { kind: 'events.subscribe', topic: 'metrics.*' }, true],
    ['events:subscribe:metrics.*', { kind: 'events.subscribe', topic: 'metrics.**' }, false],
    ['events:subscribe:metrics.**', { kind: 'events.subscribe', topic: 'metrics.*.x' }, true],
    ['events:subscribe:metrics.*', { kind: 'events.subscribe', topic: '**' }, false],
    ['events:subscribe:metrics.*', { kind: 'events.subscribe', topic: '*.cpu' }, false],
    ['events:publish:metrics.*', { kind: 'events.subscribe', topic: 'metrics.cpu' }, false],
  ],
  'system.read': [
    ['system:read:cpu', { kind: 'system.read', area: 'cpu' }, true],
    ['system:read:cpu', { kind: 'system.read', area: 'memory' }, false],
    ['system:read:cpu', { kind: 'system.read', area: '*' }, false],
    ['system:read:*', { kind: 'system.read', area: 'gpu' }, true],
    ['system:read:*', { kind: 'system.read', area: '*' }, true],
    ['system:read:*', { kind: 'system.read', area: 'proc' as 'cpu' }, false],
  ],
  'net.fetch': [
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://example.com' }, true],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://EXAMPLE.com:443' }, true],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://example.com/any/path?q' }, true],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://example.com.' }, true],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://example.com@evil.com' }, false],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://example.com.evil.com' }, false],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'http://example.com' }, false],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://example.com:8443' }, false],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'https://sub.example.com' }, false],
    ['net:fetch:https://example.com', { kind: 'net.fetch', origin: 'ftp://example.com' }, false],
    ['net:fetch:http://127.0.0.1:8080', { kind: 'net.fetch', origin: 'http://2130706433:8080' }, true],
    ['net:fetch:http://127.0.0.1:8080', { kind: 'net.fetch', origin: 'http://0177.0.0.1:8080' }, true],
    ['net:fetch:http://127.0.0.1:8080', { kind: 'net.fetch', origin: 'http://0x7f.1:8080' }, true],
    ['net:fetch:http://127.0.0.1:8080', { kind: 'net.fetch', origin: 'http://127.1:8080' }, true],
    ['net:fetch:http://127.0.0.1:8080', { kind: 'net.fetch', origin: 'http://127.0.0.2:8080' }, false],
  ],
  crypto: [
    ['crypto:sign', { kind: 'crypto', op: 'sign' }, true],
    ['crypto:sign', { kind: 'crypto', op: 'verify' }, false],
    ['crypto:sign', { kind: 'crypto', op: 'keys' as 'sign' }, false],
  ],
  'services.call': [
    ['services:call:nodes.capacity', { kind: 'services.call', service: 'nodes.capacity' }, true],
    ['services:call:nodes.capacity', { kind: 'services.call', service: 'nodes.drain' }, false],
    ['services:call:nodes.capacity', { kind: 'services.call', service: 'other.capacity' }, false],
    ['services:call:nodes.capacity', { kind: 'services.call', service: 'nodes.capacity.x' }, false],
  ],
};

describe('permission gate: allow/deny pairs per kind', () => {
  for (const [kind, rows] of Object.entries(cases)) {
    it.each(rows)(`${kind}: declared %s, asked %j → allowed %s`, (declared, requested, allowed) => {
      const gate = gateOf([declared]);
      expect(gate.allows(requested)).toBe(allowed);
      if (allowed) {
        expect(() => gate.check(requested)).not.toThrow();
      } else {
        expect(() => gate.check(requested)).toThrow(
          expect.objectContaining({ code: 'OMEGA_ERR_PERM_DENIED' }),
        );
      }
    });
  }

  it('denies everything with nothing declared (deny by default)', () => {
    const gate = gateOf([]);
    for (const rows of Object.values(cases)) for (const [, r] of rows) expect(gate.allows(r)).toBe(false);
  });

  it('denies malformed requests from plugin data', () => {
    const gate = gateOf(['storage', 'events:publish:**']);
    for (const bad of [
      null,
      'storage',
      {},
      { kind: 'fs' },
      { kind: 'events.publish' },
      { kind: 'events.publish', topic: 7 },
    ]) {
      expect(gate.allows(bad as unknown as CapabilityDescriptor)).toBe(false);
      expect(() => gate.check(bad as unknown as CapabilityDescriptor)).toThrow(
        expect.objectContaining({ code: 'OMEGA_ERR_PERM_DENIED' }),
      );
    }
  });
});

describe('permission gate: declared ∩ granted, deny wins', () => {
  it('needs both the declaration and the grant', () => {
    const notGranted = createPermissionGate({ plugin: 'p', declared: ['storage', 'log'], granted: ['log'] });
    expect(notGranted.allows({ kind: 'storage' })).toBe(false);
    expect(notGranted.allows({ kind: 'log' })).toBe(true);
    const notDeclared = createPermissionGate({ plugin: 'p', declared: ['log'], granted: ['storage', 'log'] });
    expect(notDeclared.allows({ kind: 'storage' })).toBe(false);
  });

  it('a grant broader than the declaration is narrowed to it', () => {
    const gate = createPermissionGate({
      plugin: 'p',
      declared: ['events:publish:nodes.*', 'system:read:cpu'],
      granted: ['events:publish:**', 'system:read:*'],
    });
    expect(gate.effective().map(formatCapability).sort()).toEqual([
      'events:publish:nodes.*',
      'system:read:cpu',
    ]);
    expect(gate.allows({ kind: 'events.publish', topic: 'nodes.up' })).toBe(true);
    expect(gate.allows({ kind: 'events.publish', topic: 'metrics.up' })).toBe(false);
    expect(gate.allows({ kind: 'system.read', area: 'memory' })).toBe(false);
  });

  it('overlapping patterns intersect exactly', () => {
    const gate = createPermissionGate({
      plugin: 'p',
      declared: ['events:publish:nodes.*'],
      granted: ['events:publish:*.up'],
    });
    expect(gate.effective().map(formatCapability)).toEqual(['events:publish:nodes.up']);
    expect(gate.allows({ kind: 'events.publish', topic: 'nodes.up' })).toBe(true);
    expect(gate.allows({ kind: 'events.publish', topic: 'nodes.down' })).toBe(false);
  });

  it('net:fetch:* declares origins of the operator’s choosing: only the granted origins are reachable', () => {
    const none = createPermissionGate({ plugin: 'p', declared: ['net:fetch:*'], granted: [] });
    expect(none.allows({ kind: 'net.fetch', origin: 'https://hooks.example' })).toBe(false);
    const some = createPermissionGate({
      plugin: 'p',
      declared: ['net:fetch:*'],
      granted: ['net:fetch:https://hooks.example', 'net:fetch:https://other.example'],
      denied: ['net:fetch:https://other.example'],
    });
    expect(some.effective().map(formatCapability)).toEqual(['net:fetch:https://hooks.example']);
    expect(some.allows({ kind: 'net.fetch', origin: 'https://hooks.example' })).toBe(true);
    expect(some.allows({ kind: 'net.fetch', origin: 'https://other.example' })).toBe(false);
    expect(some.allows({ kind: 'net.fetch', origin: 'https://evil.example' })).toBe(false);
    // Granting * is the operator saying "any public origin", and the declaration asked for it.
    const any = createPermissionGate({ plugin: 'p', declared: ['net:fetch:*'], granted: ['net:fetch:*'] });
    expect(any.allows({ kind: 'net.fetch', origin: 'https://evil.example' })).toBe(true);
    // A specific declaration is never widened by a * grant.
    const exact = createPermissionGate({
      plugin: 'p',
      declared: ['net:fetch:https://a.example'],
      granted: ['net:fetch:*'],
    });
    expect(exact.allows({ kind: 'net.fetch', origin: 'https://b.example' })).toBe(false);
    expect(exact.allows({ kind: 'net.fetch', origin: 'https://a.example' })).toBe(true);
  });

  it('a broad deny removes a narrow grant', () => {
    const gate = createPermissionGate({
      plugin: 'p',
      declared: ['events:publish:nodes.up', 'system:read:cpu', 'net:fetch:https://a.example'],
      granted: ['events:publish:nodes.up', 'system:read:cpu', 'net:fetch:https://a.example'],
      denied: ['events:publish:**', 'system:read:*', 'net:fetch:https://A.example:443'],
    });
    expect(gate.effective()).toEqual([]);
    expect(gate.allows({ kind: 'events.publish', topic: 'nodes.up' })).toBe(false);
    expect(gate.allows({ kind: 'system.read', area: 'cpu' })).toBe(false);
    expect(gate.allows({ kind: 'net.fetch', origin: 'https://a.example' })).toBe(false);
  });

  it('a narrow deny carves out of a broad grant', () => {
    const gate = createPermissionGate({
      plugin: 'p',
      declared: ['events:publish:nodes.*', 'events:subscribe:nodes.*', 'system:read:*'],
      granted: ['events:publish:nodes.*', 'events:subscribe:nodes.*', 'system:read:*'],
      denied: ['events:publish:nodes.secret', 'events:subscribe:nodes.secret', 'system:read:gpu'],
    });
    expect(gate.allows({ kind: 'events.publish', topic: 'nodes.up' })).toBe(true);
    expect(gate.allows({ kind: 'events.publish', topic: 'nodes.secret' })).toBe(false);
    expect(gate.allows({ kind: 'events.subscribe', topic: 'nodes.up' })).toBe(true);
    // A subscription that could deliver a denied topic is refused as a whole.
    expect(gate.allows({ kind: 'events.subscribe', topic: 'nodes.*' })).toBe(false);
    expect(gate.allows({ kind: 'system.read', area: 'cpu' })).toBe(true);
    expect(gate.allows({ kind: 'system.read', area: 'gpu' })).toBe(false);
    expect(gate.allows({ kind: 'system.read', area: '*' })).toBe(false);
  });

  it('refuses invalid strings at construction with OMEGA_ERR_MANIFEST_INVALID', () => {
    expect(() => createPermissionGate({ plugin: 'p', declared: ['fs:read'], granted: [] })).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_MANIFEST_INVALID' }),
    );
    expect(() => createPermissionGate({ plugin: 'p', declared: [], granted: [], denied: ['x'] })).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_MANIFEST_INVALID' }),
    );
  });
});

describe('permission gate: denials name plugin, request, declaration and fix', () => {
  const run = (
    opts: { declared: string[]; granted: string[]; denied?: string[] },
    asked: CapabilityDescriptor,
  ) => {
    const records: DenyRecord[] = [];
    const gate = createPermissionGate({ plugin: 'nodes', ...opts, onDeny: (r) => records.push(r) });
    let thrown: unknown;
    try {
      gate.check(asked);
    } catch (err) {
      thrown = err;
    }
    return { records, thrown: thrown as { code: string; extras: Record<string, unknown> } };
  };

  it('not declared', () => {
    const { records, thrown } = run(
      { declared: ['storage'], granted: ['storage'] },
      { kind: 'events.publish', topic: 'nodes.up' },
    );
    expect(hasErrorCode(thrown, 'OMEGA_ERR_PERM_DENIED')).toBe(true);
    expect(thrown.extras).toMatchObject({
      plugin: 'nodes',
      asked: 'events:publish:nodes.up',
      declared: ['storage'],
      reason: 'not declared in plugin.json',
    });
    expect(String(thrown.extras.fix)).toContain('plugin.json');
    expect(records).toEqual([
      {
        plugin: 'nodes',
        asked: 'events:publish:nodes.up',
        declared: ['storage'],
        reason: 'not declared in plugin.json',
      },
    ]);
  });

  it('declared but not granted', () => {
    const { records, thrown } = run({ declared: ['storage'], granted: [] }, { kind: 'storage' });
    expect(thrown.extras.reason).toBe('declared but not granted by the operator');
    expect(String(thrown.extras.fix)).toContain('Grant "storage"');
    expect(records).toHaveLength(1);
  });

  it('denied by the operator', () => {
    const { records, thrown } = run(
      {
        declared: ['net:fetch:https://a.example'],
        granted: ['net:fetch:https://a.example'],
        denied: ['net:fetch:https://a.example'],
      },
      { kind: 'net.fetch', origin: 'https://A.EXAMPLE/x' },
    );
    expect(thrown.extras.asked).toBe('net:fetch:https://a.example');
    expect(thrown.extras.reason).toBe('denied by the operator');
    expect(records[0]?.reason).toBe('denied by the operator');
  });

  it('records nothing when allowed', () => {
    const { records, thrown } = run({ declared: ['log'], granted: ['log'] }, { kind: 'log' });
    expect(thrown).toBeUndefined();
    expect(records).toEqual([]);
  });

  it('invalid resources are denied and recorded', () => {
    const { records, thrown } = run(
      { declared: ['net:fetch:https://a.example'], granted: ['net:fetch:https://a.example'] },
      { kind: 'net.fetch', origin: 'https://a.example@evil.example' },
    );
    expect(thrown.code).toBe('OMEGA_ERR_PERM_DENIED');
    expect(records[0]?.reason).toMatch(/^invalid resource/);
  });
});

describe('permission gate: topics no grant opens', () => {
  const everything = createPermissionGate({
    plugin: 'nodes',
    declared: ['events:publish:**'],
    granted: ['events:publish:**'],
  });
  const publish = (topic: string): CapabilityDescriptor => ({ kind: 'events.publish', topic });

  it('a plugin writes audit records only in its own name, even when granted events:publish:**', () => {
    expect(everything.allows(publish('audit.nodes.node.joined'))).toBe(true);
    for (const topic of ['audit.security.user.created', 'audit.nodesx.y', 'audit.node.y', 'audit.nodes']) {
      expect(everything.allows(publish(topic)), topic).toBe(false);
    }
  });

  it("the kernel's topics are the kernel's: plugin states, the admin trail, panel actions, operator events", () => {
    for (const topic of [
      'kernel.started',
      'plugins.admin.install',
      'plugins.plugin.running',
      'ui.action.sessions',
      'ops.maintenance.announced',
      'security.authn.failed',
      'security.authz.denied',
    ]) {
      expect(everything.allows(publish(topic)), topic).toBe(false);
    }
    // The rest of a plugin's namespace stays with the grants.
    expect(everything.allows(publish('security.user.created'))).toBe(true);
    expect(everything.allows(publish('plugin.x'))).toBe(true);
  });

  it('a refusal names the reason and is recorded like any denial', () => {
    const records: DenyRecord[] = [];
    const gate = createPermissionGate({
      plugin: 'nodes',
      declared: ['events:publish:**'],
      granted: ['events:publish:**'],
      onDeny: (r) => records.push(r),
    });
    let thrown: { code?: string; extras?: Record<string, unknown> } | undefined;
    try {
      gate.check(publish('audit.security.user.deleted'));
    } catch (err) {
      thrown = err as typeof thrown;
    }
    expect(thrown?.code).toBe('OMEGA_ERR_PERM_DENIED');
    expect(String(thrown?.extras?.reason)).toContain('"nodes" writes only audit.nodes.<action>');
    expect(records.map((r) => r.asked)).toEqual(['events:publish:audit.security.user.deleted']);
  });
});
