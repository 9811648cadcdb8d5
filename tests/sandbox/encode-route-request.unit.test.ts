import type { RouteRequest } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { type Principal, routeCaller } from '../../kernel/auth/index.js';
import { encodeRouteRequest } from '../../kernel/sandbox/encode-route-request.js';

/** Strings a client controls (path, query, headers) at their worst for a JSON encoder. */
const NASTY = [
  '',
  'plain',
  'a"quote',
  'back\\slash',
  'new\nline\r\t',
  '\u0000\u001f\u007f',
  'é ü 中文 🙂',
  '\ud800 lone surrogate \udfff',
  '</script><!--',
  '__proto__',
  'x'.repeat(600),
  `${'y'.repeat(511)}"`,
];

/** A deterministic pseudo-random generator, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function request(next: () => number): RouteRequest {
  const pick = () => NASTY[Math.floor(next() * NASTY.length)]!;
  const record = (): Record<string, string> => {
    const o: Record<string, string> = {};
    const n = Math.floor(next() * 4);
    // numeric-looking keys too: JSON.stringify writes integer keys first, as Object.keys orders them
    for (let i = 0; i < n; i++) o[next() < 0.3 ? String(Math.floor(next() * 20)) : pick()] = pick();
    return o;
  };
  const caller: Record<string, unknown> = {
    kind: next() < 0.5 ? 'anonymous' : 'user',
    id: pick(),
    permissions: Array.from({ length: Math.floor(next() * 4) }, pick),
  };
  if (next() < 0.5) caller.denied = [pick()];
  if (next() < 0.5) caller.name = pick();
  if (next() < 0.5) caller.remote = pick();
  const bodies = [undefined, null, pick(), { a: [1, pick(), { b: null }] }, [pick()], 42];
  return {
    method: next() < 0.5 ? 'GET' : 'POST',
    path: `/api/v1/${pick()}`,
    params: record(),
    query: record(),
    headers: { 'x-request-id': pick(), ...record() },
    body: bodies[Math.floor(next() * bodies.length)],
    caller: caller as unknown as RouteRequest['caller'],
    requestId: pick(),
  };
}

describe('encodeRouteRequest', () => {
  it('writes exactly what JSON.stringify writes, for hostile strings, keys and bodies', () => {
    const next = rng(13);
    for (let i = 0; i < 2000; i++) {
      const req = request(next);
      expect(encodeRouteRequest(req)).toBe(JSON.stringify(req));
    }
  });

  it('writes what JSON.stringify writes once its kept names are full, and for a value repeated anywhere', () => {
    // More distinct keys and paths than the encoder keeps quoted (256), some over its 64-unit
    // bound, and the same value string in several places in a row and apart.
    const next = rng(29);
    for (let i = 0; i < 600; i++) {
      const key = i % 3 === 0 ? `k${i}"${'z'.repeat(i % 70)}` : `key-${i}`;
      const same = NASTY[i % NASTY.length]!;
      const req: RouteRequest = {
        ...request(next),
        path: `/api/v1/p/${i}${i % 5 === 0 ? 'é' : ''}`,
        query: { [key]: same, again: same },
        headers: { 'x-request-id': same, [key]: same },
        requestId: same,
      };
      expect(encodeRouteRequest(req)).toBe(JSON.stringify(req));
    }
  });

  it('falls back to JSON.stringify for what is not of the request shape', () => {
    const base = request(rng(1));
    const holey: string[] = ['a'];
    holey[2] = 'b';
    const odd = [
      { ...base, query: [] as unknown as Record<string, string> },
      { ...base, params: null as unknown as Record<string, string> },
      { ...base, headers: { a: 1, b: undefined, c: () => 1 } as unknown as Record<string, string> },
      { ...base, caller: { ...base.caller, permissions: holey } as unknown as RouteRequest['caller'] },
      { ...base, method: 7 as unknown as string },
      { ...base, query: { toJSON: () => 'x' } as unknown as Record<string, string> },
      { ...base, body: { toJSON: () => ({ swapped: true }) } },
    ];
    for (const req of odd) {
      const text = encodeRouteRequest(req as RouteRequest);
      expect(text).toBe(JSON.stringify(req));
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});

describe('encodeRouteRequest with routeCaller (the caller JSON written once per caller)', () => {
  const principal: Principal = Object.freeze({
    id: 'u-1',
    kind: 'user',
    permissions: Object.freeze(['*:read', 'a"quote']),
    denied: Object.freeze(['nodes:write']),
    name: 'viewer',
  });

  it('writes what JSON.stringify writes, the first time and every time after', () => {
    const next = rng(7);
    for (const who of [principal, null]) {
      for (const remote of ['127.0.0.1', '::1', undefined]) {
        for (let i = 0; i < 3; i++) {
          const req = { ...request(next), caller: routeCaller(who, remote) };
          expect(encodeRouteRequest(req)).toBe(JSON.stringify(req));
        }
      }
    }
  });

  it('writes a caller that is not deep-frozen afresh each time, so a change to it is sent', () => {
    const base = request(rng(3));
    const permissions = ['a:read'];
    const shallow = Object.freeze({ kind: 'user' as const, id: 'u-2', permissions });
    const req = { ...base, caller: shallow };
    expect(encodeRouteRequest(req)).toBe(JSON.stringify(req));
    permissions.push('b:write');
    expect(encodeRouteRequest(req)).toContain('"b:write"');
    expect(encodeRouteRequest(req)).toBe(JSON.stringify(req));
    const open: Record<string, unknown> = { kind: 'user', id: 'u-3', permissions: Object.freeze([]) };
    const mutable = { ...base, caller: open as unknown as RouteRequest['caller'] };
    expect(encodeRouteRequest(mutable)).toBe(JSON.stringify(mutable));
    open.name = 'renamed';
    expect(encodeRouteRequest(mutable)).toContain('"renamed"');
  });
});
