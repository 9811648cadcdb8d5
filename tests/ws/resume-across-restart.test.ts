import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN } from '../helpers/temp-kernel.js';
import { type KernelChild, spawnKernel } from '../storage/spawn-kernel.js';
import { connect, type Frame, type TestClient } from './ws-helpers.js';

const dirs: string[] = [];
const children: KernelChild[] = [];
afterAll(() => {
  for (const c of children) c.proc.kill('SIGKILL');
  for (const d of dirs) removeDir(d);
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'omega-resume-'));
  dirs.push(d);
  return d;
};
const NO_PLUGINS = { plugins: { dirs: [], warmHosts: 0 } };
/** fetch keeps connections alive: do not wait the default 10 s for them at a graceful stop. */
const FAST_STOP = { http: { shutdownGraceMs: 200 } };
const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** POSTs an operator event; resolves with what the kernel acknowledged (202). */
async function post(url: string, topic: string, data: unknown): Promise<{ seq: number; topic: string }> {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { seq: number; topic: string };
}

const wsUrl = (url: string, query: string) => `${url.replace(/^http/, 'ws')}/api/v1/events?${query}`;
const eventsOf = (frames: Frame[]) => frames.filter((f) => f.type === 'event');

/** Connects, publishes `n` events, reads them, and disconnects: returns the last seq the client saw. */
async function seeSome(url: string, n: number): Promise<number> {
  const c = connect(wsUrl(url, 'topics=ops.**'), { headers });
  await c.waitFrames(1);
  for (let i = 0; i < n; i++) await post(url, 'ops.seen', { i });
  const frames = await c.waitFrames(1 + n);
  c.ws.close();
  await c.closed;
  return Number(frames.at(-1)!.seq);
}

/** Resumes from `since` and waits for `n` events (or a resync). */
async function resume(url: string, since: number, n: number): Promise<TestClient> {
  const c = connect(wsUrl(url, `topics=ops.**&since=${since}`), { headers });
  await c.waitFrames(1 + n).catch(() => {});
  return c;
}

describe('resuming the event stream across a restart', () => {
  it('after a graceful restart: exactly the missed events, in order, then live ones', async () => {
    const dataDir = tempDir();
    let k = await startTempKernel({ dataDir, ...NO_PLUGINS });
    const lastSeen = await seeSome(k.url, 3);
    // Missed while disconnected: 20 operator events, plus kernel-internal (batched) ones.
    const missed: number[] = [];
    for (let i = 0; i < 20; i++) {
      missed.push((await post(k.url, `ops.missed.n${i % 3}`, { i })).seq);
      if (i % 5 === 0) missed.push(k.kernel.bus.publish('ops.internal', { i }).seq);
    }
    await k.stop();
    k = await startTempKernel({ dataDir, ...NO_PLUGINS });
    try {
      const c = await resume(k.url, lastSeen, missed.length);
      expect(c.frames[0]!.type).toBe('hello');
      const got = eventsOf(c.frames);
      expect(got.map((f) => f.seq)).toEqual(missed);
      expect(got[0]).toMatchObject({ topic: 'ops.missed.n0', data: { i: 0 } });
      // Live events follow without a gap or a duplicate, numbered after everything before.
      const live = await post(k.url, 'ops.live', { after: 'restart' });
      expect(live.seq).toBeGreaterThan(missed.at(-1)!);
      const frames = await c.waitFrames(2 + missed.length);
      expect(frames.at(-1)).toMatchObject({ type: 'event', seq: live.seq, topic: 'ops.live' });
      expect(frames.some((f) => f.type === 'resync')).toBe(false);
      c.ws.close();
    } finally {
      await k.stop();
    }
  });

  it('after a kill -9 of the kernel process: every acknowledged event is replayed, in order', async () => {
    const dataDir = tempDir();
    const first = spawnKernel(dataDir, FAST_STOP);
    children.push(first);
    const url1 = await first.ready;
    const lastSeen = await seeSome(url1, 3);
    const missed: number[] = [];
    for (let i = 0; i < 20; i++) missed.push((await post(url1, `ops.missed.n${i}`, { i })).seq);
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = spawnKernel(dataDir, FAST_STOP);
    children.push(second);
    const url2 = await second.ready;
    const c = await resume(url2, lastSeen, 20);
    expect(eventsOf(c.frames).map((f) => f.seq)).toEqual(missed);
    expect(eventsOf(c.frames).map((f) => (f.data as { i: number }).i)).toEqual([...Array(20).keys()]);
    // New seqs start above anything the killed kernel may have handed out.
    const live = await post(url2, 'ops.live', {});
    expect(live.seq).toBeGreaterThan(missed.at(-1)!);
    await c.waitFrames(22);
    expect(c.frames.at(-1)).toMatchObject({ seq: live.seq });
    c.ws.close();

    // A client claiming to have seen a seq the crash may have lost is told to resync, not fed a gap.
    const lost = connect(wsUrl(url2, `topics=ops.**&since=${missed.at(-1)! + 1}`), { headers });
    const closed = await lost.closed;
    expect(closed.code).toBe(4000);
    expect(lost.frames.find((f) => f.type === 'resync')).toMatchObject({ reason: 'too-old' });
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('too-old only beyond retention: the window on disk keeps its count bound across a restart', async () => {
    const dataDir = tempDir();
    const config = { dataDir, ...NO_PLUGINS, bus: { replayMaxEvents: 30 } };
    let k = await startTempKernel(config);
    const seqs: number[] = [];
    for (let i = 0; i < 60; i++) seqs.push((await post(k.url, 'ops.burst', { i })).seq);
    await k.stop();
    k = await startTempKernel(config);
    try {
      // Still retained (the last 30 events): exactly the ones after `since`.
      const ok = await resume(k.url, seqs[44]!, 15);
      expect(eventsOf(ok.frames).map((f) => f.seq)).toEqual(seqs.slice(45));
      ok.ws.close();
      // Beyond retention: told to resync.
      const old = connect(wsUrl(k.url, `topics=ops.**&since=${seqs[10]}`), { headers });
      expect((await old.closed).code).toBe(4000);
      expect(old.frames.find((f) => f.type === 'resync')).toMatchObject({ reason: 'too-old' });
    } finally {
      await k.stop();
    }
  });
});
