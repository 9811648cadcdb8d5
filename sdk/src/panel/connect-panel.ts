import type { PanelInit, PanelToShell, ShellToPanel } from './panel-wire.js';

/** An event the shell passed on (only from topics the panel declares and the user may read). */
export interface PanelEventMessage {
  topic: string;
  seq: number;
  time: string;
  data: unknown;
}

/** Arguments of an action request: small plain values. */
export type PanelActionArgs = Record<string, string | number | boolean | null>;

/** A panel's connection to the dashboard shell. */
export interface PanelClient {
  /** What the shell granted: the slot's context (e.g. `{ id }` of the node), topics, reads, actions, budget. */
  readonly init: PanelInit;
  /** Calls `fn` for every event the shell passes on; returns its undo. */
  onEvent(fn: (e: PanelEventMessage) => void): () => void;
  /**
   * Asks the shell for one of the declared reads, exactly as declared (`/api/v1/nodes/{id}`: the
   * shell fills `{id}` from the slot). Rejects with the API's `{ status, code, message }`.
   */
  read<T = unknown>(path: string, query?: Record<string, string>): Promise<T>;
  /** Asks the user, through the shell, to confirm a declared action; resolves what happened. */
  requestAction(action: string, args?: PanelActionArgs): Promise<'done' | 'cancelled' | 'failed'>;
  /** Tells the shell how tall the panel's content is (the frame follows, 40–2000 px). */
  resize(height: number): void;
}

/** The panel's end of its MessagePort. */
export interface PanelPort {
  postMessage(message: PanelToShell): void;
  onmessage: ((e: { data: ShellToPanel }) => void) | null;
}

/** What {@link connectPanel} listens on: the panel's window (typed structurally: the sdk has no DOM types). */
export interface PanelWindow {
  addEventListener(
    type: 'message',
    fn: (e: { data: unknown; ports: readonly PanelPort[]; source?: unknown }) => void,
  ): void;
  /** The window that embeds the panel: the shell. When set, only a port it posts is taken. */
  readonly parent?: unknown;
}

type Waiter = { ok(v: unknown): void; fail(e: unknown): void };

/**
 * Connects a panel to the dashboard shell (issue #19): waits for the one MessagePort the shell
 * posts to the panel's window, answers the shell's pings (a panel that stops answering is shown
 * as not responding), and resolves once the shell's `init` arrives. Only declared reads and
 * actions may be asked for; anything else, a message over the budget (`init.budget`) or a
 * message posted anywhere but the port makes the shell stop the panel at once.
 */
export function connectPanel(win: PanelWindow = globalThis as unknown as PanelWindow): Promise<PanelClient> {
  return new Promise((resolve) => {
    let taken = false;
    win.addEventListener('message', (e) => {
      const d = e.data as { type?: unknown } | null;
      const port = e.ports[0];
      // Only the shell's port: a sibling frame could post one first and pose as the shell.
      if (taken || !port || d?.type !== 'omega.panel.port') return;
      if (win.parent !== undefined && e.source !== win.parent) return;
      taken = true;
      const events = new Set<(e: PanelEventMessage) => void>();
      const waiting = new Map<number, Waiter>();
      let next = 1;
      const ask = <T>(m: (id: number) => PanelToShell) =>
        new Promise<T>((ok, fail) => {
          const id = next++;
          waiting.set(id, { ok: ok as (v: unknown) => void, fail });
          port.postMessage(m(id));
        });
      const settle = (id: number, fn: (w: Waiter) => void) => {
        const w = waiting.get(id);
        waiting.delete(id);
        if (w) fn(w);
      };
      port.onmessage = ({ data: m }) => {
        if (m.type === 'ping') port.postMessage({ type: 'pong', n: m.n });
        else if (m.type === 'event') for (const fn of [...events]) fn(m);
        else if (m.type === 'read-result') settle(m.id, (w) => (m.ok ? w.ok(m.data) : w.fail(m.error)));
        else if (m.type === 'action-result') settle(m.id, (w) => w.ok(m.outcome));
        else if (m.type === 'init') {
          port.postMessage({ type: 'ready' });
          resolve({
            init: m,
            onEvent(fn) {
              events.add(fn);
              return () => events.delete(fn);
            },
            read: (path, query) => ask((id) => ({ type: 'read', id, path, ...(query ? { query } : {}) })),
            requestAction: (action, args = {}) => ask((id) => ({ type: 'action', id, action, args })),
            resize: (height) => port.postMessage({ type: 'resize', height }),
          });
        }
      };
    });
  });
}
