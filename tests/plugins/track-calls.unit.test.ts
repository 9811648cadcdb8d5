import { describe, expect, it } from 'vitest';
import type { DiscoveredPlugin } from '../../kernel/plugins/discover-plugins.js';
import { createEntry, drain, track } from '../../kernel/plugins/manager/plugin-entry.js';

// track/drain read only the entry's counters; what was found on disk does not matter to them.
const entry = () => createEntry({ dir: '/nowhere', code: '' } as DiscoveredPlugin, []);

/** A call the test settles by hand. */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('track (counting calls into a plugin so a stop can let them finish)', () => {
  it('counts each call while it runs and passes its result on', async () => {
    const e = entry();
    const a = pending<string>();
    const b = pending<{ n: number }>();
    const ta = track(e, () => a.promise);
    const tb = track(e, () => b.promise);
    expect(e.inflight).toBe(2);
    const answer = { n: 1 };
    b.resolve(answer);
    await expect(tb).resolves.toBe(answer);
    expect(e.inflight).toBe(1);
    a.resolve('done');
    await expect(ta).resolves.toBe('done');
    expect(e.inflight).toBe(0);
  });

  it('counts a failed call as ended and passes the same error on, whether it rejects or throws', async () => {
    const e = entry();
    const boom = new Error('boom');
    const failing = pending<never>();
    const t = track(e, () => failing.promise);
    failing.reject(boom);
    await expect(t).rejects.toBe(boom);
    expect(e.inflight).toBe(0);
    const thrown = track(e, () => {
      throw boom;
    });
    expect(e.inflight).toBe(0);
    await expect(thrown).rejects.toBe(boom);
  });

  it('wakes drain when the last call in flight ends, not before', async () => {
    const e = entry();
    const a = pending<number>();
    const b = pending<number>();
    void track(e, () => a.promise);
    const tb = track(e, () => b.promise).catch(() => -1);
    let drained = false;
    const d = drain(e, 60_000).then(() => {
      drained = true;
    });
    a.resolve(1);
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    b.reject(new Error('late failure'));
    await tb;
    await d;
    expect(drained).toBe(true);
    expect(e.idle).toHaveLength(0);
    // nothing in flight: drain answers at once
    await drain(e, 60_000);
  });
});
