import type { PluginContext } from '@omega/sdk';
import type { NodesCtx } from './nodes-calls.js';

/** How a command to an agent ended, as the lifecycle needs to tell the cases apart. */
export type CommandOutcome =
  /** The agent answered. */
  | { kind: 'result'; ok: true; data: unknown }
  | { kind: 'result'; ok: false; code: string; message: string }
  /** Nothing reached the agent (node not connected, or no such node): safe to place elsewhere. */
  | { kind: 'unsent'; code: string; message: string }
  /** Sent, no answer in time: ask again with the same id (it is never executed twice). */
  | { kind: 'timeout'; message: string }
  /** The nodes plugin failed or refused (not running, not granted): retry later. */
  | { kind: 'failed'; code: string; message: string };

/** Commands in flight at once (the kernel bounds a plugin's pending host calls). */
const MAX_IN_FLIGHT = 64;

/**
 * The only way this plugin reaches agents: `nodes.command`, with the caller's idempotency key
 * (`<session>:<op>:<n>`), at most {@link MAX_IN_FLIGHT} at a time.
 */
export class NodeCommands {
  readonly stats = { sent: 0, unsent: 0, timeouts: 0, failed: 0 };
  private inFlight = 0;
  private seq = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly ctx: PluginContext) {}

  /** A suffix no other read of this activation used (reads get a fresh command id each time). */
  uniqueSuffix(): string {
    this.seq = (this.seq + 1) % 1_000_000;
    return `${Date.now().toString(36)}${this.seq.toString(36)}`;
  }

  /** Sends `op` with `args` to `node` as command `id`; resolves how it ended (never rejects). */
  async run(
    node: string,
    id: string,
    op: string,
    args: unknown,
    timeoutMs = 30_000,
  ): Promise<CommandOutcome> {
    if (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      this.stats.sent++;
      const r = await (this.ctx as unknown as NodesCtx).services.call('nodes.command', {
        node,
        id,
        op,
        args,
        timeoutMs,
      });
      if (r.ok) return { kind: 'result', ok: true, data: r.data };
      return {
        kind: 'result',
        ok: false,
        code: r.error?.code ?? 'OMEGA_ERR_AGENT_COMMAND_FAILED',
        message: r.error?.message ?? `${op} failed on the node`,
      };
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      const code = typeof e?.code === 'string' ? e.code : 'OMEGA_ERR_INTERNAL';
      const message = typeof e?.message === 'string' ? e.message : String(err);
      if (code === 'OMEGA_ERR_UNAVAILABLE' || code === 'OMEGA_ERR_NOT_FOUND') {
        this.stats.unsent++;
        return { kind: 'unsent', code, message };
      }
      if (code === 'NODES_ERR_COMMAND_TIMEOUT' || code === 'OMEGA_ERR_TIMEOUT') {
        this.stats.timeouts++;
        return { kind: 'timeout', message };
      }
      this.stats.failed++;
      return { kind: 'failed', code, message };
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }
}
