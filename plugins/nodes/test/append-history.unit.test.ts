import { describe, expect, it } from 'vitest';
import { appendHistory, numberHistory } from '../src/registry/append-history.js';
import type { StateChange } from '../src/registry/node-record.js';

const at = '2026-12-05T10:00:00.000Z';

describe('node history numbering and retention', () => {
  it('numbers entries on from the newest kept one and drops the oldest past the bound', () => {
    const h: StateChange[] = [];
    for (let i = 0; i < 7; i++) appendHistory(h, { state: i % 2 ? 'down' : 'ready', reason: `r${i}`, at }, 3);
    expect(h.map((x) => [x.n, x.reason])).toEqual([
      [5, 'r4'],
      [6, 'r5'],
      [7, 'r6'],
    ]);
    // A lower bound trims at the next change; numbers still continue.
    appendHistory(h, { state: 'ready', reason: 'r7', at }, 1);
    expect(h.map((x) => x.n)).toEqual([8]);
  });

  it('numbers records stored before numbering (oldest 1), and repairs numbers that do not increase', () => {
    const old = [
      { state: 'ready', reason: 'a', at },
      { state: 'down', reason: 'b', at },
      { state: 'ready', reason: 'c', at },
    ] as StateChange[];
    expect(numberHistory(old).map((x) => x.n)).toEqual([1, 2, 3]);
    const next = appendHistory(old, { state: 'left', reason: 'd', at }, 20);
    expect(next.n).toBe(4);
    const odd = [
      { n: 5, state: 'ready', reason: 'a', at },
      { n: 5, state: 'down', reason: 'b', at },
      { n: -1, state: 'ready', reason: 'c', at },
      { n: 9, state: 'ready', reason: 'd', at },
    ] as StateChange[];
    expect(numberHistory(odd).map((x) => x.n)).toEqual([5, 6, 7, 9]);
  });
});
