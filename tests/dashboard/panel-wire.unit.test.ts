import { MessageChannel } from 'node:worker_threads';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Shell from '../../plugins/dashboard/ui/src/shell/panels/panel-wire.js';
import * as ShellWire from '../../plugins/dashboard/ui/src/shell/panels/panel-wire.js';
import { connectPanel, type PanelPort, type PanelWindow } from '../../sdk/src/panel/index.js';
import type * as Sdk from '../../sdk/src/panel/panel-wire.js';
import * as SdkWire from '../../sdk/src/panel/panel-wire.js';

describe('the panel SDK speaks the shell’s protocol', () => {
  it('has the same message types and budgets as the shell', () => {
    expectTypeOf<Sdk.ShellToPanel>().toEqualTypeOf<Shell.ShellToPanel>();
    expectTypeOf<Sdk.PanelToShell>().toEqualTypeOf<Shell.PanelToShell>();
    expectTypeOf<Sdk.PanelInit>().toEqualTypeOf<Shell.PanelInit>();
    expect([SdkWire.PANEL_MESSAGE_BYTES, SdkWire.PANEL_BYTES_PER_SECOND]).toEqual([
      ShellWire.PANEL_MESSAGE_BYTES,
      ShellWire.PANEL_BYTES_PER_SECOND,
    ]);
  });

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
});
