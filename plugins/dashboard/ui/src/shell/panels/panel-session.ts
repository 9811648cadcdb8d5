import {
  PANEL_BYTES_PER_SECOND,
  PANEL_MESSAGE_BYTES,
  type PanelInit,
  type PanelToShell,
  type ShellToPanel,
} from '@omega/sdk/panel';
import { createByteBudget } from './byte-budget.js';
import { messageBytes } from './message-bytes.js';
import type { PanelSpec, PanelStopCode } from './panel-spec.js';
import { resolveRead } from './resolve-read.js';

/** An event the shell may pass on (from its own event stream). */
export interface PanelEvent {
  seq: number;
  topic: string;
  time: string;
  data: unknown;
}

/** What a panel session reaches: the user's own API client and stream, and the user for confirmations. */
export interface PanelSessionDeps {
  /** GET `path` (under /api/v1) with the signed-in user's token: the kernel applies the user's permissions. */
  read(path: string): Promise<unknown>;
  /** Follows `pattern` on the shell's event stream (only topics the user may read ever reach it); returns its undo. */
  on(pattern: string, fn: (e: PanelEvent) => void): () => void;
  /** Asks the user to confirm `action`; resolves what happened (the shell calls the kernel itself). */
  confirm(
    action: string,
    args: Record<string, string | number | boolean | null>,
  ): Promise<'done' | 'cancelled'>;
  now?(): number;
}

/** The session's observable state. */
export interface PanelSessionEvents {
  /** The panel broke a rule: the session has already stopped listening; the host must drop the frame. */
  onQuarantine(code: PanelStopCode, detail: string): void;
  /** Whether it answers pings (a spinning or crashed panel does not). */
  onHealth?(health: 'live' | 'unresponsive'): void;
  onResize?(height: number): void;
}

/** The shell's end of a panel's channel: a MessagePort (typed structurally, so it also runs in Node). */
export interface PanelPort {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
}

/** A running panel session. */
export interface PanelSession {
  /** A message the panel posted anywhere but its port (e.g. to the parent window): counted, then a violation. */
  stray(data: unknown): void;
  /** Stops listening, unsubscribes, closes the port. */
  stop(): void;
  readonly stopped: boolean;
}

const PING_MS = 2000;
const UNRESPONSIVE_MS = 6000;

const err = (e: unknown) => {
  const x = e as { status?: number; code?: string; message?: string };
  return { status: x.status ?? 0, code: x.code ?? 'ERROR', message: String(x.message ?? e).slice(0, 300) };
};

/**
 * Runs the shell's side of one panel over `port` (the shell's end of the panel's MessageChannel):
 * sends `init`, forwards the events of the panel's declared topics, answers declared reads with
 * the user's client, and passes declared actions to the user to confirm. Every message is weighed
 * first: one over {@link PANEL_MESSAGE_BYTES}, or more than {@link PANEL_BYTES_PER_SECOND} in a
 * second, stops the session at once (the browser has already copied it; all the shell can do is
 * stop listening and drop the frame); so do malformed messages, undeclared reads and actions.
 */
export function startPanelSession(
  spec: PanelSpec,
  context: Readonly<Record<string, string>>,
  port: PanelPort,
  deps: PanelSessionDeps,
  events: PanelSessionEvents,
): PanelSession {
  const now = deps.now ?? (() => performance.now());
  const budget = createByteBudget({
    messageBytes: PANEL_MESSAGE_BYTES,
    bytesPerSecond: PANEL_BYTES_PER_SECOND,
  });
  const undo: Array<() => void> = [];
  let stopped = false;
  let pending = false;
  let lastPong = now();
  let health: 'live' | 'unresponsive' = 'live';
  let n = 0;

  const setHealth = (h: 'live' | 'unresponsive') => {
    health = h;
    events.onHealth?.(h);
  };
  const send = (m: ShellToPanel) => {
    if (!stopped) port.postMessage(m);
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    port.onmessage = null;
    port.close();
    for (const u of undo.splice(0)) u();
  };
  const quarantine = (code: PanelStopCode, detail: string) => {
    if (stopped) return;
    stop();
    events.onQuarantine(code, detail);
  };
  /** Weighs a message; false (and quarantined) when it breaks the budget. */
  const weigh = (data: unknown): boolean => {
    const bytes = messageBytes(data, PANEL_MESSAGE_BYTES);
    const verdict = budget.charge(bytes, now());
    if (verdict === 'oversize')
      quarantine('oversize', `a message over ${PANEL_MESSAGE_BYTES} bytes (the budget per message)`);
    else if (verdict === 'flood')
      quarantine('flood', `more than ${PANEL_BYTES_PER_SECOND} bytes in one second (the budget per second)`);
    return verdict === 'ok';
  };

  const handle = (m: PanelToShell) => {
    switch (m.type) {
      case 'ready':
        return;
      case 'pong':
        lastPong = now();
        if (health !== 'live') setHealth('live');
        return;
      case 'resize':
        if (typeof m.height === 'number' && Number.isFinite(m.height))
          events.onResize?.(Math.max(40, Math.min(2000, Math.round(m.height))));
        return;
      case 'read': {
        const path = resolveRead(m.path, spec.reads, context, m.query);
        if (path === undefined || !Number.isSafeInteger(m.id))
          return quarantine('forged-read', `a read it does not declare: ${String(m.path).slice(0, 120)}`);
        deps.read(path).then(
          (data) => send({ type: 'read-result', id: m.id, ok: true, data }),
          (e) => send({ type: 'read-result', id: m.id, ok: false, error: err(e) }),
        );
        return;
      }
      case 'action': {
        if (typeof m.action !== 'string' || !spec.actions.includes(m.action) || !Number.isSafeInteger(m.id))
          return quarantine(
            'forged-action',
            `an action it does not declare: ${String(m.action).slice(0, 100)}`,
          );
        const args = m.args ?? {};
        if (typeof args !== 'object' || args === null || Array.isArray(args))
          return quarantine('protocol', 'action arguments that are not an object');
        if (pending) {
          send({
            type: 'action-result',
            id: m.id,
            outcome: 'failed',
            message: 'another action awaits the user',
          });
          return;
        }
        pending = true;
        deps
          .confirm(m.action, args)
          .then(
            (outcome) => send({ type: 'action-result', id: m.id, outcome }),
            (e) => send({ type: 'action-result', id: m.id, outcome: 'failed', message: err(e).message }),
          )
          .finally(() => {
            pending = false;
          });
        return;
      }
      default:
        quarantine(
          'protocol',
          `an unknown message type "${String((m as { type?: unknown }).type).slice(0, 40)}"`,
        );
    }
  };

  port.onmessage = (e) => {
    if (stopped || !weigh(e.data)) return;
    const m = e.data as PanelToShell | null;
    if (m === null || typeof m !== 'object' || typeof m.type !== 'string')
      return quarantine('protocol', 'a message that is not a panel protocol message');
    handle(m);
  };
  port.onmessageerror = () => quarantine('protocol', 'a message that could not be read');

  for (const pattern of spec.topics) {
    undo.push(
      deps.on(pattern, (e) =>
        send({ type: 'event', topic: e.topic, seq: e.seq, time: e.time, data: e.data }),
      ),
    );
  }
  const timer = setInterval(() => {
    if (now() - lastPong > UNRESPONSIVE_MS && health === 'live') setHealth('unresponsive');
    send({ type: 'ping', n: ++n });
  }, PING_MS);
  undo.push(() => clearInterval(timer));

  const init: PanelInit = {
    type: 'init',
    plugin: spec.plugin,
    panel: spec.id,
    slot: spec.slot,
    context: { ...context },
    topics: [...spec.topics],
    reads: [...spec.reads],
    actions: [...spec.actions],
    budget: { messageBytes: PANEL_MESSAGE_BYTES, bytesPerSecond: PANEL_BYTES_PER_SECOND },
  };
  send(init);
  return {
    stray(data) {
      if (stopped || !weigh(data)) return;
      quarantine('stray-message', 'a message to the shell outside its port');
    },
    stop,
    get stopped() {
      return stopped;
    },
  };
}
