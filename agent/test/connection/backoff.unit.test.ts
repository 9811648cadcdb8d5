import { describe, expect, it } from 'vitest';
import { connectUrl, createBackoff, jittered, retryAfterWait } from '../../src/index.js';

describe('reconnect back-off and heartbeat jitter', () => {
  it('doubles from 1 s to 60 s within ±20 %, and starts over after reset', () => {
    const low = createBackoff({ random: () => 0 });
    expect(Array.from({ length: 8 }, () => low.next())).toEqual([
      800, 1600, 3200, 6400, 12800, 25600, 48000, 48000,
    ]);
    const high = createBackoff({ random: () => 1 });
    expect(Array.from({ length: 8 }, () => high.next())).toEqual([
      1200, 2400, 4800, 9600, 19200, 38400, 72000, 72000,
    ]);
    high.reset();
    expect(high.next()).toBe(1200);
  });

  it('a refusal with retryAfterSec waits between that and twice that, spread at random', () => {
    expect(retryAfterWait(1, () => 0)).toBe(1000);
    expect(retryAfterWait(1, () => 0.9999)).toBe(1999);
    expect(retryAfterWait(5, () => 0.5)).toBe(7500);
    // 1,000 agents refused together come back spread over the second after, not in one instant.
    const waits = Array.from({ length: 1000 }, () => retryAfterWait(1));
    const buckets = new Set(waits.map((w) => Math.floor(w / 100)));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThan(2000);
    expect(buckets.size).toBe(10);
  });

  it('heartbeats come every heartbeatMs ± 10 %', () => {
    expect(jittered(5000, 0.1, () => 0)).toBe(4500);
    expect(jittered(5000, 0.1, () => 1)).toBe(5500);
    expect(jittered(5000, 0.1, () => 0.5)).toBe(5000);
  });

  it('derives the agent endpoint from the kernel URL', () => {
    expect(connectUrl('http://k:7700').href).toBe('ws://k:7700/api/v1/agents/connect');
    expect(connectUrl('https://k/omega/').href).toBe('wss://k/omega/api/v1/agents/connect');
    expect(connectUrl('wss://k:1/api/v1/agents/connect?x=1').href).toBe('wss://k:1/api/v1/agents/connect');
  });
});
