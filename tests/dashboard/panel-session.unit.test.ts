import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createByteBudget } from '../../plugins/dashboard/ui/src/shell/panels/byte-budget.js';
import { messageBytes } from '../../plugins/dashboard/ui/src/shell/panels/message-bytes.js';
import {
  type PanelEvent,
  type PanelPort,
  type PanelSession,
  startPanelSession,
} from '../../plugins/dashboard/ui/src/shell/panels/panel-session.js';
import type { PanelSpec, PanelStopCode } from '../../plugins/dashboard/ui/src/shell/panels/panel-spec.js';
import { resolveRead } from '../../plugins/dashboard/ui/src/shell/panels/resolve-read.js';
import { PANEL_BYTES_PER_SECOND, PANEL_MESSAGE_BYTES } from '../../sdk/src/panel/panel-wire.js';

const SPEC: PanelSpec = {
  plugin: 'metrics',
  id: 'node-chart',
  title: 'Node chart',
  slot: 'node-page',
  path: '/ui/metrics/panels/node-chart/index.html',
  url: 'http://metrics.localhost:7700/ui/metrics/panels/node-chart/index.html',
  topics: ['metrics.sample'],
  reads: ['/api/v1/nodes/{id}'],
  actions: ['metrics.reset'],
};

describe('byte budget and message weight', () => {
  it('refuses a message over the per-message budget and a flood over the per-second budget', () => {
    const b = createByteBudget({ messageBytes: 1000, bytesPerSecond: 3000 });
    expect(b.charge(1001, 0)).toBe('oversize');
    expect([b.charge(900, 0), b.charge(900, 10), b.charge(900, 20)]).toEqual(['ok', 'ok', 'ok']);
    expect(b.charge(900, 30)).toBe('flood');
    expect(b.charge(900, 1001)).toBe('ok'); // the first one left the window
  });

  it('counts tiny messages at a minimum cost, so a flood of them is a flood too', () => {
    const b = createByteBudget({ messageBytes: 1000, bytesPerSecond: 2560 });
    const verdicts = Array.from({ length: 11 }, (_, i) => b.charge(1, i));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(10);
    expect(verdicts[10]).toBe('flood');
  });

  it('weighs JSON-like data, stops early past the limit, and treats cycles as over it', () => {
    expect(messageBytes({ type: 'ready' }, 1000)).toBeGreaterThan(5);
    expect(messageBytes({ pad: 'x'.repeat(10 * 1024 * 1024) }, 1000)).toBeGreaterThan(1000);
    expect(messageBytes(new Uint8Array(5000), 1000)).toBeGreaterThan(1000);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(messageBytes(cyclic, 1000)).toBeGreaterThan(1000);
  });
});

describe('resolveRead', () => {
  const declared = ['/api/v1/nodes/{id}', '/api/v1/metrics/query'];
  it.each([
    ['/api/v1/nodes/{id}', { id: 'n1' }, undefined, '/nodes/n1'],
    ['/api/v1/nodes/{id}', { id: '../../security/users' }, undefined, '/nodes/..%2F..%2Fsecurity%2Fusers'],
    ['/api/v1/metrics/query', {}, { series: 'cpu.busy' }, '/metrics/query?series=cpu.busy'],
    ['/api/v1/nodes/{id}', {}, undefined, undefined], // no value for {id}
    ['/api/v1/nodes/n2', { id: 'n1' }, undefined, undefined], // not declared as such
    ['/api/v1/security/users', {}, undefined, undefined],
    ['/api/v1/metrics/query', {}, { a: 1 }, undefined], // query values are strings
  ])('%s with %j and %j → %s', (template, context, query, expected) => {
    expect(resolveRead(template, declared, context, query)).toBe(expected);
  });
});

describe('a panel session over a real MessageChannel', () => {
  const sessions: PanelSession[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) s.stop();
  });

  /** Starts a session; the panel's end of the channel and what the session did are returned. */
  function start(answer: 'done' | 'cancelled' = 'done') {
    const { port1, port2 } = new MessageChannel();
    const stops: Array<[PanelStopCode, string]> = [];
    const reads: string[] = [];
    const confirms: string[] = [];
    const listeners = new Map<string, (e: PanelEvent) => void>();
    const session = startPanelSession(
      SPEC,
      { id: 'n1' },
      port1 as unknown as PanelPort,
      {
        read: async (path) => {
          reads.push(path);
          return { path };
        },
        on: (pattern, fn) => {
          listeners.set(pattern, fn);
          return () => listeners.delete(pattern);
        },
        confirm: async (action) => {
          confirms.push(action);
          return answer;
        },
      },
      { onQuarantine: (code, detail) => stops.push([code, detail]) },
    );
    sessions.push(session);
    const inbox: Array<{ type: string; [k: string]: unknown }> = [];
    port2.on('message', (m) => inbox.push(m));
    return { panel: port2 as MessagePort, session, stops, reads, confirms, listeners, inbox };
  }
  const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

  it('sends init, passes events of declared topics, answers declared reads and confirmed actions', async () => {
    const s = start();
    await tick();
    expect(s.inbox[0]).toMatchObject({
      type: 'init',
      plugin: 'metrics',
      context: { id: 'n1' },
      reads: SPEC.reads,
    });
    expect([...s.listeners.keys()]).toEqual(['metrics.sample']);
    s.listeners.get('metrics.sample')?.({ seq: 1, topic: 'metrics.sample', time: 't', data: { v: 1 } });
    s.panel.postMessage({ type: 'read', id: 7, path: '/api/v1/nodes/{id}' });
    s.panel.postMessage({ type: 'action', id: 8, action: 'metrics.reset', args: { node: 'n1' } });
    await tick();
    expect(s.reads).toEqual(['/nodes/n1']);
    expect(s.confirms).toEqual(['metrics.reset']);
    expect(s.inbox.map((m) => m.type)).toEqual(['init', 'event', 'read-result', 'action-result']);
    expect(s.inbox[3]).toMatchObject({ id: 8, outcome: 'done' });
    expect(s.stops).toEqual([]);
  });

  it.each([
    [{ type: 'action', id: 1, action: 'nodes.drain' }, 'forged-action'],
    [{ type: 'read', id: 1, path: '/api/v1/security/users' }, 'forged-read'],
    [{ type: 'eval', code: 'x' }, 'protocol'],
    ['just a string', 'protocol'],
    [{ type: 'resize', height: 10, pad: 'x'.repeat(PANEL_MESSAGE_BYTES + 1) }, 'oversize'],
  ])('stops the panel at once on %j (%s): no answer, no listener left', async (message, code) => {
    const s = start();
    s.panel.postMessage(message);
    await tick();
    expect(s.stops.map(([c]) => c)).toEqual([code]);
    expect(s.session.stopped).toBe(true);
    expect(s.listeners.size).toBe(0);
    expect(s.reads).toEqual([]);
    expect(s.confirms).toEqual([]);
  });

  it('stops a flood of messages each within the per-message budget', async () => {
    const s = start();
    const each = 40_000;
    for (let i = 0; i < Math.ceil(PANEL_BYTES_PER_SECOND / each) + 2; i++) {
      s.panel.postMessage({ type: 'resize', height: 10, pad: 'y'.repeat(each) });
    }
    await tick(100);
    expect(s.stops.map(([c]) => c)).toEqual(['flood']);
  });

  it('a message outside the port (stray) stops the panel', () => {
    const s = start();
    s.session.stray({ type: 'action-result', id: 1, outcome: 'done' });
    expect(s.stops.map(([c]) => c)).toEqual(['stray-message']);
  });
});
