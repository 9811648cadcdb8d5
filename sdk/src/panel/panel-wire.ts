/**
 * The messages between the dashboard shell and a panel over the panel's one MessagePort (issue
 * #19). The one definition of the protocol: the shell
 * (plugins/dashboard/ui/src/shell/panels) imports it from `@omega/sdk/panel` too.
 */

/** What the shell tells a panel once, right after handing it its port. */
export interface PanelInit {
  type: 'init';
  plugin: string;
  panel: string;
  slot: string;
  /** What the slot shows, e.g. `{ id: "node-1" }` on the node page: the values of `{param}`s in reads. */
  context: Record<string, string>;
  /** What the panel may ask for: its declaration as granted. */
  topics: string[];
  reads: string[];
  actions: string[];
  budget: { messageBytes: number; bytesPerSecond: number };
}

/** A shell → panel message. */
export type ShellToPanel =
  | PanelInit
  | { type: 'event'; topic: string; seq: number; time: string; data: unknown }
  | { type: 'read-result'; id: number; ok: true; data: unknown }
  | { type: 'read-result'; id: number; ok: false; error: { status: number; code: string; message: string } }
  | { type: 'action-result'; id: number; outcome: 'done' | 'cancelled' | 'failed'; message?: string }
  | { type: 'ping'; n: number };

/** A panel → shell message. */
export type PanelToShell =
  | { type: 'ready' }
  /** `path` is one of the declared reads exactly as declared (`{param}`s are filled in by the shell). */
  | { type: 'read'; id: number; path: string; query?: Record<string, string> }
  | { type: 'action'; id: number; action: string; args?: Record<string, string | number | boolean | null> }
  | { type: 'pong'; n: number }
  | { type: 'resize'; height: number };

/** The most one message from a panel may weigh (estimated as its JSON size). */
export const PANEL_MESSAGE_BYTES = 64 * 1024;
/** The most a panel may send per second, all messages together. */
export const PANEL_BYTES_PER_SECOND = 256 * 1024;
