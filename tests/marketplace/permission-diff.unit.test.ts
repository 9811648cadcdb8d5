import { describe, expect, it } from 'vitest';
import { planAudit } from '../../marketplace/api/plan-audit.js';
import {
  type ConsentSubject,
  consentPlan,
  DEFAULT_LIMITS,
  describePlan,
  type PermissionDiff,
  type PlanStep,
  permissionDiff,
  routeConsents,
} from '../../marketplace/resolve/index.js';

const KEY = { kid: 'key-a', name: 'acme' };
/** The plan text of upgrading `name` to `to` with `diff`, as the CLI shows it. */
const upgradeText = (name: string, diff: PermissionDiff, to = '2.0.0') => {
  const step: PlanStep = {
    name,
    from: '1.0.0',
    to,
    source: 'main',
    publisher: 'acme',
    artifact: 'sha512-a',
    diff,
  };
  return describePlan(consentPlan({ op: 'upgrade', name }, [step]));
};
const subject = (
  permissions: string[],
  limits: Record<string, number> = {},
  publisher = KEY,
): ConsentSubject => ({
  permissions,
  limits: { ...DEFAULT_LIMITS, ...limits },
  publisher,
});

describe('permissionDiff: the one diff of file installs and marketplaces', () => {
  it('reads the default limits from the manifest schema', () => {
    expect(DEFAULT_LIMITS).toEqual({ memoryMb: 64, callTimeoutMs: 5000, cpuMillicores: 500 });
  });

  it('a fresh install adds every capability; default limits are not an escalation by themselves', () => {
    const d = permissionDiff(undefined, subject(['storage', 'timers']));
    expect(d).toMatchObject({
      added: ['storage', 'timers'],
      widened: [],
      removed: [],
      limits: [],
      escalating: true,
    });
    expect(d.publisher).toBeUndefined();
    expect(permissionDiff(undefined, subject([])).escalating).toBe(false);
  });

  it('a broader topic pattern is "widened", not added + removed', () => {
    const d = permissionDiff(
      subject(['events:publish:nodes.up', 'storage']),
      subject(['events:publish:nodes.*', 'storage']),
    );
    expect(d.widened).toEqual([{ from: 'events:publish:nodes.up', to: 'events:publish:nodes.*' }]);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.escalating).toBe(true);
  });

  it('a narrower pattern or a dropped capability is "removed" and does not escalate', () => {
    const d = permissionDiff(
      subject(['events:publish:nodes.*', 'timers']),
      subject(['events:publish:nodes.up']),
    );
    expect(d.removed).toEqual(['events:publish:nodes.*', 'timers']);
    expect(d.added).toEqual([]);
    expect(d.widened).toEqual([]);
    expect(d.escalating).toBe(false);
  });

  it('dropping auth:provider is approved as an escalation, and the plan says it can end sign-in', () => {
    const d = permissionDiff(subject(['auth:provider', 'storage']), subject(['storage']));
    expect(d).toMatchObject({ removed: ['auth:provider'], added: [], escalating: true });
    const text = upgradeText('gatekeeper', d);
    expect(text).toContain(
      '  - auth:provider\n  ! without auth:provider gatekeeper no longer answers sign-in',
    );
  });

  it('a version that keeps auth:provider but drops the auth-provider service escalates too', () => {
    // It can no longer answer sign-in either (last note: only the permission was compared).
    const provider = { ...subject(['auth:provider', 'storage']), authProviderService: true };
    const d = permissionDiff(provider, { ...provider, authProviderService: false });
    expect(d).toMatchObject({ removed: [], added: [], endsSignIn: 'service', escalating: true });
    expect(upgradeText('gatekeeper', d)).toContain(
      '  ! 2.0.0 no longer declares the auth-provider service, so gatekeeper no longer answers sign-in',
    );
    // Dropping the permission is said once, as before; keeping both, or never having been a
    // provider (the service without the permission), ends nothing.
    const both = permissionDiff(provider, { ...subject(['storage']), authProviderService: false });
    expect(both).toMatchObject({ endsSignIn: 'permission', escalating: true });
    expect(permissionDiff(provider, provider)).toMatchObject({ escalating: false });
    expect(permissionDiff(provider, provider).endsSignIn).toBeUndefined();
    const never = { ...subject(['storage']), authProviderService: true };
    expect(permissionDiff(never, { ...never, authProviderService: false }).escalating).toBe(false);
  });

  it('a route made public, or given another permission, escalates; so does a new public route', () => {
    // Walk: an upgrade that made GET /greetings/:who public and let greeter:read POST installed
    // with no question.
    const routes = (r: Record<string, string>) => ({ ...subject(['http:routes']), routes: r });
    const v1 = routes(
      routeConsents({
        routes: [
          { method: 'GET', path: '/greetings/:who', permission: 'greeter:read' },
          { method: 'POST', path: '/greetings', permission: 'greeter:write' },
          { method: 'GET', path: '/status', permission: 'public' },
        ],
      }),
    );
    expect(v1.routes).toEqual({
      'GET /greetings/:': 'greeter:read',
      'POST /greetings': 'greeter:write',
      'GET /status': 'public',
    });
    const v2 = routes({
      'GET /greetings/:': 'public',
      'POST /greetings': 'greeter:read',
      'GET /status': 'public',
      'GET /extra': 'public',
      'GET /private': 'greeter:read',
    });
    const d = permissionDiff(v1, v2);
    expect(d.routes).toEqual([
      { route: 'GET /extra', to: 'public' },
      { route: 'GET /greetings/:', from: 'greeter:read', to: 'public' },
      { route: 'GET /private', to: 'greeter:read' },
      { route: 'POST /greetings', from: 'greeter:write', to: 'greeter:read' },
    ]);
    expect(d.escalating).toBe(true);
    const text = upgradeText('greeter', d);
    expect(text).toContain('  ! new public route GET /extra (anyone may call it, signed in or not)');
    expect(text).toContain('  ! route GET /greetings/: needs nothing: it becomes public (was greeter:read)');
    expect(text).toContain('  ! route POST /greetings needs greeter:read (was greeter:write)');
    // Nothing here ends sign-in, so the plan does not say it might (walk: every plan did).
    expect(text).toMatch(/This asks for more than is approved now: approve this exact plan\.$/);
    // The same routes or a renamed parameter: nothing to approve. A new route behind a permission
    // is (review: a DELETE behind greeter:read is every reader's at once).
    expect(permissionDiff(v1, v1)).toMatchObject({ routes: [], escalating: false });
    const renamed = routeConsents({
      routes: [{ method: 'GET', path: '/greetings/:name', permission: 'greeter:read' }],
    });
    expect(Object.keys(renamed)).toEqual(['GET /greetings/:']);
    const more = permissionDiff(v1, routes({ ...v1.routes, 'DELETE /greetings': 'greeter:read' }));
    expect(more).toMatchObject({
      routes: [{ route: 'DELETE /greetings', to: 'greeter:read' }],
      escalating: true,
    });
    expect(upgradeText('greeter', more)).toContain('  + route DELETE /greetings (callers need greeter:read)');
    // A fresh install's public routes are said too.
    expect(permissionDiff(undefined, v1).routes).toEqual([{ route: 'GET /status', to: 'public' }]);
  });

  it('a larger limit escalates; a smaller one does not; a fresh install above the defaults does', () => {
    const up = permissionDiff(subject(['storage']), subject(['storage'], { memoryMb: 256 }));
    expect(up.limits).toEqual([{ limit: 'memoryMb', from: 64, to: 256 }]);
    expect(up.escalating).toBe(true);
    const down = permissionDiff(subject([], { callTimeoutMs: 9000 }), subject([], { callTimeoutMs: 1000 }));
    expect(down).toMatchObject({ limits: [], escalating: false });
    const fresh = permissionDiff(undefined, subject([], { callTimeoutMs: 20_000 }));
    expect(fresh.limits).toEqual([{ limit: 'callTimeoutMs', from: 5000, to: 20_000 }]);
  });

  it('a limit the old version never had (a new kind, no default) is shown with from: null', () => {
    const d = permissionDiff(subject([]), {
      permissions: [],
      limits: { ...DEFAULT_LIMITS, cpuPercent: 50 },
      publisher: KEY,
    });
    expect(d.limits).toEqual([{ limit: 'cpuPercent', from: null, to: 50 }]);
    expect(d.escalating).toBe(true);
  });

  it('another publisher key escalates, an unknown old key too; the same key does not', () => {
    const other = { kid: 'key-b', name: 'acme' };
    expect(permissionDiff(subject(['storage']), subject(['storage'], {}, other)).publisher).toEqual({
      from: KEY,
      to: other,
    });
    const unknown = permissionDiff(
      { permissions: ['storage'], limits: DEFAULT_LIMITS },
      subject(['storage']),
    );
    expect(unknown.publisher).toEqual({ from: null, to: KEY });
    expect(unknown.escalating).toBe(true);
    expect(permissionDiff(subject(['storage']), subject(['storage'])).escalating).toBe(false);
  });
});

describe('consentPlan: the digest an approval sends back', () => {
  const step = (artifact: string, diff = permissionDiff(subject([]), subject(['timers']))): PlanStep => ({
    name: 'p',
    from: '1.0.0',
    to: '2.0.0',
    source: 'file',
    publisher: 'acme',
    artifact,
    diff,
  });

  it('covers the artifact and the diff: other bytes or another diff give another digest', () => {
    const a = consentPlan({ op: 'file', name: 'p' }, [step('sha512-a')]);
    expect(consentPlan({ op: 'file', name: 'p' }, [step('sha512-a')]).consent).toBe(a.consent);
    expect(consentPlan({ op: 'file', name: 'p' }, [step('sha512-b')]).consent).not.toBe(a.consent);
    const wider = permissionDiff(subject([]), subject(['timers', 'storage']));
    expect(consentPlan({ op: 'file', name: 'p' }, [step('sha512-a', wider)]).consent).not.toBe(a.consent);
    expect(a.escalating).toBe(true);
  });

  it('describes only what changes', () => {
    const text = describePlan(
      consentPlan({ op: 'file', name: 'p' }, [
        step(
          'sha512-a',
          permissionDiff(subject(['storage']), subject(['storage', 'timers'], { memoryMb: 128 })),
        ),
      ]),
    );
    expect(text).toContain('+ timers');
    expect(text).toContain('↑ limit memoryMb 64 → 128');
    expect(text).not.toContain('storage');
  });
});

describe('the audit record of a carried-out plan', () => {
  it('names the plugin asked for, not the dependency that comes first (review)', () => {
    const diff = permissionDiff(subject([]), subject([]));
    const step = (name: string, to: string, from?: string): PlanStep => ({
      name,
      ...(from ? { from } : {}),
      to,
      source: 'main',
      publisher: 'acme',
      artifact: 'sha512-a',
      diff,
    });
    const plan = consentPlan({ op: 'install', name: 'app' }, [step('lib', '1.0.0'), step('app', '2.0.0')]);
    expect(planAudit(plan)).toEqual({ plugin: 'app', target: 'app@2.0.0 (+1)' });
    const all = consentPlan({ op: 'upgrade' }, [step('lib', '1.1.0', '1.0.0')]);
    expect(planAudit(all)).toEqual({ plugin: 'lib', target: 'lib@1.0.0→1.1.0' });
    expect(planAudit(consentPlan({ op: 'upgrade' }, []))).toEqual({});
  });
});
