import { describe, expect, it } from 'vitest';
import { createCallerSlots } from '../../kernel/sandbox/create-caller-slots.js';

const frozen = (id: string) => Object.freeze({ kind: 'user', id, permissions: Object.freeze(['a:read']) });

describe('createCallerSlots', () => {
  it('keeps deep-frozen callers only, and knows each by its slot', () => {
    const s = createCallerSlots(4);
    const a = frozen('a');
    expect(s.known(a)).toBe(-1);
    expect(s.keep(a)).toBe(0);
    expect(s.known(a)).toBe(0);
    // Mutable, or frozen with a mutable array or a nested object: never sent by reference.
    expect(s.keep({ kind: 'user', id: 'm', permissions: [] })).toBe(-1);
    expect(s.keep(Object.freeze({ kind: 'user', id: 'm', permissions: ['x'] }))).toBe(-1);
    expect(s.keep(Object.freeze({ kind: 'user', id: 'm', permissions: Object.freeze([{}]) }))).toBe(-1);
    expect(s.keep(Object.freeze({ kind: 'user', id: 'm', extra: Object.freeze({}) }))).toBe(-1);
  });

  it('reuses slots round-robin: a reused slot forgets its old caller', () => {
    const s = createCallerSlots(3);
    const callers = ['a', 'b', 'c', 'd', 'e'].map(frozen);
    expect(callers.map((c) => s.keep(c))).toEqual([0, 1, 2, 0, 1]);
    expect(callers.map((c) => s.known(c))).toEqual([-1, -1, 2, 0, 1]);
  });

  it('keeps nothing with no slots', () => {
    const s = createCallerSlots(0);
    expect(s.keep(frozen('a'))).toBe(-1);
  });
});
