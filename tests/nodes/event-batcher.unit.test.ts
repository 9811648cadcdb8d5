import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../kernel/agents/agent-event.js';
import { createEventBatcher, type DeliveryGap } from '../../kernel/agents/create-event-batcher.js';
import { createLogger } from '../../kernel/log/index.js';

/*
 * The kernel's event batcher tells the gateway plugin what it dropped and how far behind it is
 * (docs/agent-protocol.md §2), so the plugin never judges the kernel's own delay as an agent's
 * silence. The batcher runs for real; its `deliver` is slowed or failing like a busy plugin.
 */

const lines: string[] = [];
const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } });

const hb = (node: string, at: number): AgentEvent => ({
  type: 'message',
  node,
  conn: `c-${node}`,
  at,
  remote: '127.0.0.1',
  m: { k: 'hb', n: at },
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event batcher: drops and lag told to the gateway plugin', () => {
  it('a full queue: every dropped node is told alive at its latest dropped frame; complete is the oldest still queued', async () => {
    const got: Array<{ events: readonly AgentEvent[]; gap: DeliveryGap }> = [];
    let release: () => void = () => {};
    let first = true;
    const b = createEventBatcher({
      logger,
      maxBatch: 4,
      maxQueue: 6,
      intervalMs: 5,
      deliver: async (events, gap) => {
        got.push({ events, gap });
        if (first) {
          first = false;
          await new Promise<void>((r) => {
            release = r;
          });
        }
      },
      onDelivered: () => {},
    });
    for (let i = 0; i < 4; i++) b.push(hb(`n${i}`, 1000 + i));
    await until(() => got.length === 1); // the first batch is held by a "busy plugin"
    // 6 fit in the queue; the next 5 heartbeats are dropped (n6 twice: its latest counts).
    for (let i = 0; i < 6; i++) b.push(hb(`q${i}`, 2000 + i));
    b.push(hb('n6', 3000));
    b.push(hb('n6', 3005));
    b.push(hb('n7', 3001));
    b.push(hb('n8', 3002));
    b.push(hb('n9', 3003));
    expect(b.dropped()).toBe(5);
    release();
    await until(() => got.length === 3);
    const second = got[1] as { events: readonly AgentEvent[]; gap: DeliveryGap };
    expect(second.events.map((e) => e.node)).toEqual(['q0', 'q1', 'q2', 'q3']);
    // q4 and q5 still wait: nothing from 2004 on is complete.
    expect(second.gap.complete).toBe(2004);
    expect(new Map(second.gap.alive)).toEqual(
      new Map([
        ['n6', 3005],
        ['n7', 3001],
        ['n8', 3002],
        ['n9', 3003],
      ]),
    );
    const third = got[2] as { events: readonly AgentEvent[]; gap: DeliveryGap };
    // Told once: the next delivery carries no alive list; the queue is empty, so complete is "now".
    expect(third.gap.alive).toBeUndefined();
    expect(third.gap.complete).toBeGreaterThan(Date.now() - 10_000);
    await b.close();
  });

  it('a failed delivery: its frames and the drops it was to tell of are told with the next one', async () => {
    const got: DeliveryGap[] = [];
    let fail = true;
    const b = createEventBatcher({
      logger,
      intervalMs: 5,
      deliver: async (_events, gap) => {
        if (fail) {
          fail = false;
          throw Object.assign(new Error('plugin restarting'), { code: 'OMEGA_ERR_UNAVAILABLE' });
        }
        got.push(gap);
      },
      onDelivered: () => {},
    });
    b.push(hb('a', 5000));
    b.push(hb('b', 5001));
    b.push({
      type: 'closed',
      node: 'c',
      conn: 'x',
      at: 5002,
      remote: '',
      code: 1006,
      reason: '',
      clean: false,
      leave: false,
      lastFrameAt: 4000,
    });
    await until(() => b.dropped() === 3);
    b.push(hb('d', 6000));
    await until(() => got.length === 1);
    // A close proves nothing about liveness; the two heartbeats do.
    expect(new Map(got[0]?.alive)).toEqual(
      new Map([
        ['a', 5000],
        ['b', 5001],
      ]),
    );
    await b.close();
  });
});

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(5);
  }
}
