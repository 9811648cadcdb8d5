import { describe, expect, it } from 'vitest';
import { WriteLimiter } from '../src/storage/write-limiter.js';

/* The plugin's bound on storage writes in flight, and the lane a join's writes take. */

describe('WriteLimiter', () => {
  it('keeps at most max writes in flight, in order, and lets an urgent write go ahead of the waiting ones', async () => {
    const limiter = new WriteLimiter(2);
    const started: string[] = [];
    const release = new Map<string, () => void>();
    let inFlight = 0;
    let most = 0;
    const write = (name: string, urgent = false) =>
      limiter.run(
        () =>
          new Promise<string>((resolve) => {
            started.push(name);
            inFlight++;
            most = Math.max(most, inFlight);
            release.set(name, () => {
              inFlight--;
              resolve(name);
            });
          }),
        urgent,
      );
    const done = [write('a'), write('b'), write('c'), write('d'), write('e'), write('join', true)];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['a', 'b']);
    expect(limiter.peakWaiting).toBe(4);
    release.get('a')!();
    await new Promise((r) => setTimeout(r, 0));
    // The join waited behind nothing queued: it took the first free slot.
    expect(started).toEqual(['a', 'b', 'join']);
    for (const name of ['b', 'join', 'c', 'd', 'e']) {
      release.get(name)!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(started).toEqual(['a', 'b', 'join', 'c', 'd', 'e']);
    expect(await Promise.all(done)).toEqual(['a', 'b', 'c', 'd', 'e', 'join']);
    expect(most).toBe(2);
  });

  it('runs urgent writes in their own arrival order, ahead of the ordinary ones', async () => {
    const limiter = new WriteLimiter(1);
    const started: string[] = [];
    const release = new Map<string, () => void>();
    const write = (name: string, urgent = false) =>
      limiter.run(
        () =>
          new Promise<string>((resolve) => {
            started.push(name);
            release.set(name, () => resolve(name));
          }),
        urgent,
      );
    const done = [write('a'), write('b'), write('join1', true), write('join2', true), write('c')];
    await new Promise((r) => setTimeout(r, 0));
    for (const name of ['a', 'join1', 'join2', 'b', 'c']) {
      expect(started.at(-1)).toBe(name);
      release.get(name)!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(started).toEqual(['a', 'join1', 'join2', 'b', 'c']);
    await Promise.all(done);
  });
});
