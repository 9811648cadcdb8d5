import { describe, expect, it } from 'vitest';
import { jsonDepthWithin, parseUntrustedJson } from '../../kernel/sandbox/index.js';

/** The nesting depth of a JSON value, computed from the parsed value (not from its text). */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (v !== null && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings full of what could fool a scan: brackets, quotes, backslash runs, escapes. */
function trickyString(r: () => number): string {
  const parts = ['[', ']', '{', '}', '"', '\\', '\\"', '\\\\', 'a', 'cpu="0"', '\u2028', '\\u0022'];
  let s = '';
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += parts[Math.floor(r() * parts.length)];
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth > 6 || pick < 0.3) return trickyString(r);
  if (pick < 0.4) return Math.round(r() * 1000) / 10;
  const n = Math.floor(r() * 4);
  if (pick < 0.7) return Array.from({ length: n }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[`${trickyString(r)}${i}`] = randomValue(r, depth + 1);
  return o;
}

describe('jsonDepthWithin', () => {
  it('skips strings holding brackets and escaped quotes', () => {
    expect(jsonDepthWithin('{"a":"[[[[[[\\"[[["}', 1)).toBe(true);
    // An escaped backslash before the quote: the string ends there, the brackets after it count.
    expect(jsonDepthWithin('{"a":"x\\\\","b":[[[1]]]}', 3)).toBe(false);
    expect(jsonDepthWithin('{"a":"x\\\\","b":[[[1]]]}', 4)).toBe(true);
    // An escaped quote after an escaped backslash (\\\"): still inside the string.
    expect(jsonDepthWithin('{"a":"x\\\\\\"[[[[","b":1}', 1)).toBe(true);
    expect(jsonDepthWithin('{"cpu.busy{cpu=\\"0\\"}":[0.5]}', 1)).toBe(false);
    expect(jsonDepthWithin('{"cpu.busy{cpu=\\"0\\"}":[0.5]}', 2)).toBe(true);
  });

  it('an unterminated string ends the scan; JSON.parse then refuses the text', () => {
    const text = `[[{"a":"${'['.repeat(100)}`;
    expect(jsonDepthWithin(text, 3)).toBe(true);
    expect(() => parseUntrustedJson(text, 3)).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_BAD_JSON' }),
    );
  });

  it('agrees with the depth of the parsed value on random documents with tricky strings', () => {
    const r = rng(13);
    for (let n = 0; n < 2000; n++) {
      const text = JSON.stringify(randomValue(r, 0));
      const depth = depthOf(JSON.parse(text));
      for (const max of [depth - 1, depth]) {
        if (max < 0 || text.length <= max) continue;
        expect(jsonDepthWithin(text, max), `${text} within ${max}`).toBe(max >= depth);
      }
    }
  });
});
