import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KernelConfigInput } from '../../kernel/config/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { tcpSyslogReceiver, udpSyslogReceiver, until, webhookReceiver } from './receivers.js';

/*
 * Event sinks against real receivers on loopback: a webhook (signed, in order, retried, refused
 * batches dropped, resumed after a restart from the durable event log) and syslog over UDP and
 * TCP (RFC 5424 messages). Events come from the operator route POST /api/v1/events.
 */

const SECRET = 'sink-secret-0123456789abcdef';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

async function kernelWith(
  sinks: KernelConfigInput['sinks'],
  dataDir?: string,
  bus?: KernelConfigInput['bus'],
): Promise<TempKernel> {
  const noPlugins = mkdtempSync(join(tmpdir(), 'omega-sinks-plugins-'));
  cleanups.push(() => removeDir(noPlugins)); // also when the kernel refuses the config
  return startTempKernel({
    ...(dataDir ? { dataDir } : {}),
    ...(bus ? { bus } : {}),
    sinks,
    plugins: { dirs: [noPlugins], warmHosts: 0 },
  });
}

const publish = async (k: TempKernel, topic: string, data: unknown) => {
  const res = await k.api('/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { seq: number }).seq;
};

const sinkStatus = async (k: TempKernel) => {
  const res = await k.api('/api/v1/events/sinks');
  expect(res.status).toBe(200);
  return ((await res.json()) as { sinks: Array<Record<string, unknown>> }).sinks;
};

type Delivered = { sink: string; events: Array<{ seq: number; topic: string; data: unknown }> };
const eventsOf = (hits: Array<{ body: string }>) =>
  hits.flatMap((h) => (JSON.parse(h.body) as Delivered).events);

function secretFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omega-sink-secret-'));
  const file = join(dir, 'secret');
  writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  cleanups.push(() => removeDir(dir));
  return file;
}

describe('webhook sink', () => {
  it('delivers matching events in order, signed, and shows its status without the credentials', async () => {
    const rx = await webhookReceiver();
    cleanups.push(rx.close);
    const k = await kernelWith([
      { type: 'webhook', name: 'siem', url: rx.url, topics: ['ops.audit.*'], secretFile: secretFile() },
    ]);
    cleanups.push(async () => {
      await k.stop();
      removeDir(k.dataDir);
    });
    const seqs = [];
    for (let i = 0; i < 5; i++) seqs.push(await publish(k, 'ops.audit.note', { i }));
    await publish(k, 'ops.other.note', { ignored: true });
    await until(() => eventsOf(rx.hits).length >= 5);

    const events = eventsOf(rx.hits);
    expect(events.map((e) => e.seq)).toEqual(seqs);
    expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(events.every((e) => e.topic === 'ops.audit.note')).toBe(true);
    for (const hit of rx.hits) {
      const sig = String(hit.headers['omega-signature']);
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig) ?? [];
      expect(createHmac('sha256', SECRET).update(`${t}.${hit.body}`).digest('hex')).toBe(v1);
      expect(hit.headers['user-agent']).toMatch(/^omega\//);
    }
    const [status] = await sinkStatus(k);
    expect(status).toMatchObject({
      name: 'siem',
      type: 'webhook',
      delivered: 5,
      cursor: seqs[4],
      failures: 0,
    });
    expect(status?.target).not.toContain('hidden');
    expect(JSON.stringify(status)).not.toContain(SECRET);
  }, 60_000);

  it('retries a failing receiver and drops only what it refuses for good', async () => {
    // attempt 0 and 1: 503 (retried); the batch of the "bad" event: 400 (dropped); then 200
    const rx = await webhookReceiver((n) => (n < 2 ? 503 : n === 2 ? 400 : 200));
    cleanups.push(rx.close);
    const k = await kernelWith([
      { type: 'webhook', name: 'flaky', url: rx.url, topics: ['ops.**'], batchMax: 1 },
    ]);
    cleanups.push(async () => {
      await k.stop();
      removeDir(k.dataDir);
    });
    const first = await publish(k, 'ops.a', 1);
    await until(() => rx.attempts() >= 3); // two 503s, then the 400 refuses it
    const second = await publish(k, 'ops.b', 2);
    await until(() => eventsOf(rx.hits).length >= 1);
    expect(eventsOf(rx.hits).map((e) => e.seq)).toEqual([second]);
    const [status] = await sinkStatus(k);
    expect(status).toMatchObject({ failures: 2, rejected: 1, delivered: 1 });
    expect(status?.lastError).toContain('answered 400');
    expect(first).toBeLessThan(second);
  }, 60_000);

  it('resumes after a restart from its cursor: events published while the receiver was down arrive once', async () => {
    let up = false;
    const rx = await webhookReceiver(() => (up ? 200 : 503));
    cleanups.push(rx.close);
    const sinks: KernelConfigInput['sinks'] = [
      { type: 'webhook', name: 'resume', url: rx.url, topics: ['ops.**'] },
    ];
    const k1 = await kernelWith(sinks);
    cleanups.push(() => removeDir(k1.dataDir));
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push(await publish(k1, 'ops.down', { i }));
    await until(() => rx.attempts() >= 1);
    await k1.stop();

    up = true;
    const k2 = await kernelWith(sinks, k1.dataDir);
    cleanups.push(() => k2.stop());
    seqs.push(await publish(k2, 'ops.up', { i: 3 }));
    await until(() => eventsOf(rx.hits).length >= 4);
    expect(eventsOf(rx.hits).map((e) => e.seq)).toEqual(seqs);
  }, 60_000);

  it('records a gap when what it missed left the replay window, then delivers new events', async () => {
    let up = false;
    const rx = await webhookReceiver(() => (up ? 200 : 503));
    cleanups.push(rx.close);
    const sinks: KernelConfigInput['sinks'] = [
      { type: 'webhook', name: 'behind', url: rx.url, topics: ['ops.**'] },
    ];
    const bus = { replayMaxEvents: 3 };
    const k1 = await kernelWith(sinks, undefined, bus);
    cleanups.push(() => removeDir(k1.dataDir));
    const cursor = (await sinkStatus(k1))[0]?.cursor as number;
    const missed = [];
    for (let i = 0; i < 6; i++) missed.push(await publish(k1, 'ops.down', { i }));
    await until(() => rx.attempts() >= 1);
    await k1.stop();

    // the window now holds only the last 3 of the 6 the sink never delivered
    up = true;
    const k2 = await kernelWith(sinks, k1.dataDir, bus);
    cleanups.push(() => k2.stop());
    const fresh = await publish(k2, 'ops.up', { i: 6 });
    await until(() => eventsOf(rx.hits).length >= 1);
    expect(eventsOf(rx.hits).map((e) => e.seq)).toEqual([fresh]);
    const [status] = await sinkStatus(k2);
    // it resumes at the newest seq when k2 subscribed: past every missed one (the kernel's own
    // boot events may follow them), before the fresh one
    const gaps = status?.gaps as Array<{ after: number; resumedAt: number }>;
    expect(gaps).toEqual([{ after: cursor, resumedAt: expect.any(Number) }]);
    const resumedAt = gaps[0]?.resumedAt as number;
    expect(resumedAt).toBeGreaterThanOrEqual(missed.at(-1) as number);
    expect(resumedAt).toBeLessThan(fresh);
    expect(status).toMatchObject({ delivered: 1, cursor: fresh });
  }, 60_000);

  it('refuses to start with a secret file it cannot read, naming the field', async () => {
    await expect(
      kernelWith([
        {
          type: 'webhook',
          name: 'x',
          url: 'http://127.0.0.1:9/',
          topics: ['ops.**'],
          secretFile: '/nonexistent/secret',
        },
      ]),
    ).rejects.toMatchObject({ code: 'OMEGA_ERR_CONFIG_INVALID', extras: { field: 'sinks[0].secretFile' } });
  }, 60_000);
});

describe('syslog sink', () => {
  it.each(['udp', 'tcp'] as const)(
    'sends RFC 5424 messages over %s',
    async (proto) => {
      const rx = proto === 'udp' ? await udpSyslogReceiver() : await tcpSyslogReceiver();
      cleanups.push(rx.close);
      const k = await kernelWith([
        { type: 'syslog', name: 'log', address: rx.address, topics: ['ops.**'], facility: 'local3' },
      ]);
      cleanups.push(async () => {
        await k.stop();
        removeDir(k.dataDir);
      });
      const a = await publish(k, 'ops.maintenance.announced', { text: 'rack "a" at 10:00 ]' });
      const b = await publish(k, 'ops.maintenance.done', null);
      await until(() => rx.messages.length >= 2);
      // <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG; local3 (19) × 8 + info (6) = 158
      const m =
        /^<(\d+)>1 (\S+) \S+ omega (\d+) (\S+) \[omega@32473 seq="(\d+)" topic="([^"]+)"\] (.*)$/.exec(
          rx.messages[0] as string,
        );
      expect(m?.[1]).toBe('158');
      expect(Number.isNaN(Date.parse(m?.[2] as string))).toBe(false);
      expect(m?.[4]).toBe('ops.maintenance.announced');
      expect(Number(m?.[5])).toBe(a);
      expect(JSON.parse(m?.[7] as string)).toEqual({ text: 'rack "a" at 10:00 ]' });
      expect(rx.messages[1]).toContain(`seq="${b}"`);
      expect((await sinkStatus(k))[0]).toMatchObject({ delivered: 2, type: 'syslog' });
    },
    60_000,
  );
});
