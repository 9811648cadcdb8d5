import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  type PanelPort as ShellPort,
  startPanelSession,
} from '../../plugins/dashboard/ui/src/shell/panels/panel-session.js';
import {
  connectPanel,
  PANEL_BYTES_PER_SECOND,
  PANEL_MESSAGE_BYTES,
  type PanelPort,
  type PanelWindow,
} from '../../sdk/src/panel/index.js';

describe('the panel SDK speaks the shell’s protocol', () => {
  it('takes the port, answers pings, reads and requests actions over a real MessageChannel', async () => {
    const { port1: shell, port2: panel } = new MessageChannel();
    let deliver: ((e: { data: unknown; ports: readonly PanelPort[] }) => void) | undefined;
    const win: PanelWindow = {
      addEventListener: (_t, fn) => {
        deliver = fn;
      },
    };
    const connected = connectPanel(win);
    const fromPanel: Array<{ type: string; id?: number; n?: number }> = [];
    shell.on('message', (m) => {
      fromPanel.push(m);
      if (m.type === 'read')
        shell.postMessage({ type: 'read-result', id: m.id, ok: true, data: { path: m.path } });
      if (m.type === 'action') shell.postMessage({ type: 'action-result', id: m.id, outcome: 'cancelled' });
    });
    deliver?.({ data: { type: 'something else' }, ports: [panel as unknown as PanelPort] }); // ignored
    deliver?.({ data: { type: 'omega.panel.port' }, ports: [panel as unknown as PanelPort] });
    shell.postMessage({
      type: 'init',
      plugin: 'metrics',
      panel: 'node-chart',
      slot: 'node-page',
      context: { id: 'n1' },
      topics: [],
      reads: ['/api/v1/nodes/{id}'],
      actions: ['metrics.reset'],
      budget: { messageBytes: 1, bytesPerSecond: 1 },
    });
    const client = await connected;
    expect(client.init.context).toEqual({ id: 'n1' });
    shell.postMessage({ type: 'ping', n: 3 });
    expect(await client.read('/api/v1/nodes/{id}')).toEqual({ path: '/api/v1/nodes/{id}' });
    expect(await client.requestAction('metrics.reset', { node: 'n1' })).toBe('cancelled');
    expect(fromPanel[0]?.type).toBe('ready');
    expect(fromPanel.map((m) => m.type).sort()).toEqual(['action', 'pong', 'read', 'ready']);
    expect(fromPanel.find((m) => m.type === 'pong')?.n).toBe(3);
    shell.close();
  });

  it('talks to the real shell session: init with its budget, a declared read, an action the user cancels', async () => {
    const { port1: shell, port2: panel } = new MessageChannel();
    const stops: string[] = [];
    const reads: string[] = [];
    const session = startPanelSession(
      {
        plugin: 'metrics',
        id: 'node-chart',
        title: 'Node chart',
        slot: 'node-page',
        path: '/ui/metrics/panels/node-chart/index.html',
        url: 'http://metrics.localhost:7700/ui/metrics/panels/node-chart/index.html',
        topics: [],
        reads: ['/api/v1/nodes/{id}'],
        actions: ['metrics.reset'],
      },
      { id: 'n1' },
      shell as unknown as ShellPort,
      {
        read: async (path) => {
          reads.push(path);
          return { path };
        },
        on: () => () => {},
        confirm: async () => 'cancelled',
      },
      { onQuarantine: (code) => stops.push(code) },
    );
    let deliver: ((e: { data: unknown; ports: readonly PanelPort[] }) => void) | undefined;
    const connected = connectPanel({
      addEventListener: (_t, fn) => {
        deliver = fn;
      },
    });
    deliver?.({ data: { type: 'omega.panel.port' }, ports: [panel as unknown as PanelPort] });
    const client = await connected;
    expect(client.init.budget).toEqual({
      messageBytes: PANEL_MESSAGE_BYTES,
      bytesPerSecond: PANEL_BYTES_PER_SECOND,
    });
    expect(client.init.context).toEqual({ id: 'n1' });
    expect(await client.read('/api/v1/nodes/{id}')).toEqual({ path: '/nodes/n1' });
    expect(reads).toEqual(['/nodes/n1']);
    expect(await client.requestAction('metrics.reset', { node: 'n1' })).toBe('cancelled');
    expect(stops).toEqual([]);
    session.stop();
    panel.close();
  });

  it('takes a port only from the window that embeds it (the shell), not from another frame', async () => {
    const shellWindow = { name: 'shell' };
    let deliver: ((e: { data: unknown; ports: readonly PanelPort[]; source?: unknown }) => void) | undefined;
    const connected = connectPanel({
      parent: shellWindow,
      addEventListener: (_t, fn) => {
        deliver = fn;
      },
    });
    const { port1: sibling, port2: forged } = new MessageChannel();
    const { port1: shell, port2: real } = new MessageChannel();
    const readyFrom: string[] = [];
    sibling.on('message', (m) => readyFrom.push(`sibling:${m.type}`));
    shell.on('message', (m) => readyFrom.push(`shell:${m.type}`));
    const init = (port: MessageChannel['port1'], plugin: string) =>
      port.postMessage({
        type: 'init',
        plugin,
        panel: 'p',
        slot: 'dashboard',
        context: {},
        topics: [],
        reads: [],
        actions: [],
        budget: { messageBytes: 1, bytesPerSecond: 1 },
      });
    deliver?.({
      data: { type: 'omega.panel.port' },
      ports: [forged as unknown as PanelPort],
      source: { name: 'sibling' },
    });
    init(sibling, 'forged');
    deliver?.({
      data: { type: 'omega.panel.port' },
      ports: [real as unknown as PanelPort],
      source: shellWindow,
    });
    init(shell, 'metrics');
    const client = await connected;
    expect(client.init.plugin).toBe('metrics');
    await new Promise((r) => setTimeout(r, 20));
    expect(readyFrom).toEqual(['shell:ready']);
    for (const p of [sibling, forged, shell, real]) p.close();
  });
});
