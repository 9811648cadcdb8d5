import { describe, expect, it } from 'vitest';
import type { NodesLoadEvent } from '../src/contract.js';
import { LOAD_BYTES_PER_SEC, LoadBatcher, MAX_LOAD_EVENT_BYTES } from '../src/publish/load-batcher.js';
import type { PacedPublisher } from '../src/publish/paced-publisher.js';

/* nodes.load batches: cut every period, published a slice a tick, each event under 64 KiB. */

function recorder() {
  const events: Array<{ data: NodesLoadEvent; bytes: number | undefined }> = [];
  const out = {
    publish: (_topic: string, data: unknown, _droppable?: boolean, bytes?: number) => {
      events.push({ data: data as NodesLoadEvent, bytes });
    },
  } as unknown as PacedPublisher;
  return { out, events, ids: () => events.flatMap((e) => e.data.nodes.map((n) => n.id)) };
}

describe('LoadBatcher', () => {
  it('publishes a period of 1,200 nodes in slices, each event under the size bound and sized once', () => {
    const r = recorder();
    const b = new LoadBatcher(r.out);
    for (let i = 0; i < 1_200; i++)
      b.note(`n${i}`, `node-${i}`, { cpu: i / 1_200, load1: 1, memUsed: 1, memTotal: 2 });
    b.flush(1_000, 500);
    expect(r.ids()).toHaveLength(500);
    b.drain(500);
    expect(r.ids()).toHaveLength(1_000);
    // A node heard again before its slice went out: its newest load goes in the next period.
    b.note('n1100', 'node-1100', { cpu: 0.99 });
    b.drain(500);
    expect(r.ids()).toHaveLength(1_200);
    expect(new Set(r.ids()).size).toBe(1_200);
    for (const e of r.events) {
      expect(e.data.at).toBe(1_000);
      // Its JSON length as counted while it was built (one comma over at most).
      expect(e.bytes! - JSON.stringify(e.data).length).toBeGreaterThanOrEqual(0);
      expect(e.bytes! - JSON.stringify(e.data).length).toBeLessThanOrEqual(1);
      expect(e.bytes!).toBeLessThanOrEqual(MAX_LOAD_EVENT_BYTES);
    }
    b.flush(2_000);
    expect(r.events.at(-1)?.data).toEqual({
      at: 2_000,
      nodes: [{ id: 'n1100', name: 'node-1100', load: { cpu: 0.99 } }],
    });
    expect(b.stats).toMatchObject({ batches: 2, entries: 1_201 });
  });

  it('a new period takes over what the last one had not published yet, newest load per node', () => {
    const r = recorder();
    const b = new LoadBatcher(r.out);
    for (let i = 0; i < 10; i++) b.note(`n${i}`, `node-${i}`, { cpu: 0.1 });
    b.flush(1_000, 4);
    b.note('n9', 'node-9', { cpu: 0.9 });
    b.flush(2_000);
    const all = r.events.flatMap((e) => e.data.nodes.map((n) => [n.id, n.load.cpu, e.data.at]));
    expect(all).toHaveLength(10);
    expect(all.find(([id]) => id === 'n9')).toEqual(['n9', 0.9, 2_000]);
  });
});

describe('nodes.load within the publish budget', () => {
  const agentLoad = (i: number) => ({
    cpu: 0.123456789 + i / 100_000,
    load1: 1.23456,
    load5: 0.987654,
    load15: 0.5,
    memUsed: 12_345_678.9,
    memTotal: 67_108_864,
    diskBusy: 0.0123456,
    netRxBps: 1234.5678,
    tempMax: 61.234,
    gpus: [{ index: 0, util: 0.87654321, memUsed: 1.5, memTotal: 2, temp: 70.05 }],
  });

  it('publishes figures rounded to what a chart shows; absent fields stay absent', () => {
    const r = recorder();
    const b = new LoadBatcher(r.out);
    b.note('n1', 'node-1', agentLoad(0));
    b.note('n2', 'node-2', { cpu: 0.5 });
    b.flush(1_000);
    expect(r.events[0]?.data.nodes).toEqual([
      {
        id: 'n1',
        name: 'node-1',
        load: {
          cpu: 0.123,
          load1: 1.23,
          load5: 0.99,
          load15: 0.5,
          memUsed: 12_345_679,
          memTotal: 67_108_864,
          diskBusy: 0.012,
          netRxBps: 1235,
          tempMax: 61.2,
          gpus: [{ index: 0, util: 0.877, memUsed: 2, memTotal: 2, temp: 70.1 }],
        },
      },
      { id: 'n2', name: 'node-2', load: { cpu: 0.5 } },
    ]);
  });

  it('at 10,000 nodes the period stretches so loads stay under their share of the budget', () => {
    const r = recorder();
    const b = new LoadBatcher(r.out);
    // A small fleet keeps the configured period.
    for (let i = 0; i < 100; i++) b.note(`n${i}`, `node-${i}`, agentLoad(i));
    expect(b.periodMs(10_000)).toBe(10_000);
    b.flush(1_000);
    for (let i = 0; i < 10_000; i++) b.note(`n${i}`, `node-${i}`, agentLoad(i));
    const period = b.periodMs(10_000);
    const before = b.stats.bytes;
    b.flush(2_000);
    const bytes = b.stats.bytes - before;
    expect(r.ids()).toHaveLength(10_100);
    // The bytes one period published, spread over the period: within the loads' share.
    expect(period).toBeGreaterThan(10_000);
    expect((bytes * 1000) / period).toBeLessThanOrEqual(LOAD_BYTES_PER_SEC * 1.05);
    expect(b.stats.periodMs).toBe(period);
  });
});
