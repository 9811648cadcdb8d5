import { describe, expect, it } from 'vitest';
import {
  createByteBudget,
  createCpuCredit,
  DEFAULT_RESTART_POLICY,
  decideRestart,
  jsonDepthWithin,
  parseUntrustedJson,
  readProcessCpuMs,
  resolveLimits,
  validateRouteResponse,
} from '../../kernel/sandbox/index.js';
import { toPluginError } from '../../kernel/sandbox/to-plugin-error.js';
import { codeOf } from './helpers.js';

describe('JSON from a plugin', () => {
  it('is depth-checked without parsing, ignoring brackets inside strings', () => {
    expect(jsonDepthWithin('[[[]]]', 3)).toBe(true);
    expect(jsonDepthWithin('[[[[]]]]', 3)).toBe(false);
    expect(jsonDepthWithin('{"a":"[[[[[[\\"[[["}', 1)).toBe(true);
  });

  it('answers texts no longer than the bound without a scan, and the same as the scan at the boundary', () => {
    for (let k = 0; k <= 70; k++) {
      expect(jsonDepthWithin('['.repeat(k), 64), `depth ${k}`).toBe(k <= 64);
      expect(jsonDepthWithin(`${'{"a":'.repeat(k)}1${'}'.repeat(k)}`, 64), `object depth ${k}`).toBe(k <= 64);
    }
    expect(() => parseUntrustedJson('['.repeat(65), 64)).toThrow(/deeper than 64/);
  });

  it('drops __proto__ keys, also escaped ones', () => {
    const v = parseUntrustedJson('{"__proto__":{"x":1},"\\u005f_proto__":{"y":1},"a":1}', 8) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['a']);
  });

  it('answers by code', async () => {
    expect(await codeOf(Promise.resolve().then(() => parseUntrustedJson('[[[1]]]', 2)))).toBe(
      'OMEGA_ERR_PLUGIN_LIMIT',
    );
    expect(await codeOf(Promise.resolve().then(() => parseUntrustedJson('{', 2)))).toBe('OMEGA_ERR_BAD_JSON');
  });
});

describe('budgets', () => {
  it('a byte budget allows a burst, then its rate', () => {
    let now = 0;
    const b = createByteBudget(1000, 2000, () => now);
    expect(b.take(1500)).toBe(true);
    expect(b.take(600)).toBe(false);
    now = 100;
    expect(b.take(600)).toBe(true);
    expect(b.take(100)).toBe(false);
  });

  it('a CPU credit catches a duty cycle that never peaks', () => {
    const c = createCpuCredit(1000, 500);
    let cpu = 0;
    c.update(cpu, 0);
    let left = 0;
    // 70 % of a core for 10 s: never 100 % in any second, but 200 ms/s over the refill.
    for (let t = 1; t <= 10; t++) {
      cpu += 700;
      left = c.update(cpu, t * 1000);
    }
    expect(left).toBeLessThan(0);
    // Steady use under the refill rate never runs it dry.
    const steady = createCpuCredit(1000, 500);
    steady.update(0, 0);
    let used = 0;
    for (let t = 1; t <= 10; t++) {
      used += 400;
      expect(steady.update(used, t * 1000)).toBe(600);
    }
  });

  it("reads this process's CPU time from /proc", async () => {
    const a = await readProcessCpuMs(process.pid);
    const end = Date.now() + 50;
    while (Date.now() < end) {}
    expect((await readProcessCpuMs(process.pid))! - a!).toBeGreaterThan(0);
    expect(await readProcessCpuMs(2 ** 22 + 1)).toBeUndefined();
  });

  it('limits fill defaults and ignore nonsense', () => {
    expect(resolveLimits({ memoryMb: 2, callTimeoutMs: -1 })).toMatchObject({
      memoryMb: 8,
      callTimeoutMs: 5000,
    });
  });
});

describe('restart policy', () => {
  it('backs off exponentially, then quarantines within the window', () => {
    const p = { ...DEFAULT_RESTART_POLICY, baseDelayMs: 100, maxCrashes: 4, windowMs: 1000 };
    const h: number[] = [];
    expect(decideRestart(p, h, 0)).toEqual({ action: 'restart', delayMs: 100, crashes: 1 });
    expect(decideRestart(p, h, 10)).toEqual({ action: 'restart', delayMs: 200, crashes: 2 });
    expect(decideRestart(p, h, 20)).toEqual({ action: 'restart', delayMs: 400, crashes: 3 });
    expect(decideRestart(p, h, 30)).toEqual({ action: 'quarantine', crashes: 4 });
    const spread: number[] = [];
    for (let t = 0; t < 10_000; t += 600) expect(decideRestart(p, spread, t).action).toBe('restart');
  });
});

describe('route responses from a plugin', () => {
  it('keep status, body and ordinary headers (lower-cased)', () => {
    expect(validateRouteResponse({ status: 201, headers: { 'X-A': 'b' }, body: [1] })).toEqual({
      status: 201,
      headers: { 'x-a': 'b' },
      body: [1],
    });
  });

  it('drop hop-by-hop and framing headers', () => {
    const r = validateRouteResponse({
      status: 200,
      headers: {
        'content-length': '1',
        'Transfer-Encoding': 'chunked',
        connection: 'close',
        upgrade: 'ws',
        te: 'x',
      },
    });
    expect(r.headers).toEqual({});
  });

  it.each([
    [{ status: 99 }],
    [{ status: 600 }],
    [{ status: 200.5 }],
    [{ status: '200' }],
    [{}],
    [null],
    [[]],
    [{ status: 200, headers: { a: 'x\r\ny: z' } }],
    [{ status: 200, headers: { a: 'x\0' } }],
    [{ status: 200, headers: { 'a b': 'x' } }],
    [{ status: 200, headers: { a: 1 } }],
    [{ status: 200, headers: [] }],
  ])('refuse %j as OMEGA_ERR_PLUGIN_FAILED', async (bad) => {
    expect(await codeOf(Promise.resolve().then(() => validateRouteResponse(bad)))).toBe(
      'OMEGA_ERR_PLUGIN_FAILED',
    );
  });
});

describe('toPluginError', () => {
  it('keeps only short strings from what a host reports, whatever it sends', () => {
    expect(toPluginError({ code: 'E_X', message: 'boom' })).toEqual({ code: 'E_X', message: 'boom' });
    for (const bad of [undefined, null, 7, 'str', [], { code: 1, message: { toString: 'x' } }]) {
      expect(toPluginError(bad)).toEqual({ code: 'OMEGA_ERR_PLUGIN_FAILED', message: 'plugin failed' });
    }
    const long = toPluginError({ code: 'C'.repeat(500), message: 'm'.repeat(5000) });
    expect([long.code.length, long.message.length]).toEqual([64, 1024]);
  });
});
