import { type PluginContext, pluginError } from '@omega/sdk';
import type { CommandResult } from '../contract.js';
import { nodeError } from '../errors/node-errors.js';
import { printable } from '../liveness/reasons.js';

/** Default and largest wait for a result (the kernel's deadline on a call into this plugin is 60 s). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
export const MAX_COMMAND_TIMEOUT_MS = 50_000;
/** A pending command nobody waits for is forgotten after this (a repeat then sends again; the agent dedupes). */
const ABANDONED_MS = 5 * 60_000;
/** Finished results kept for repeats: the newest, up to this many and this much JSON. */
const KEPT_RESULTS = 10_000;
const KEPT_RESULT_BYTES = 16 * 1024 * 1024;
const KEPT_RESULT_MS = 24 * 3_600_000;

interface Waiter {
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  deadline: number;
}

interface Command {
  /** The id on the wire: `<calling plugin>/<caller's id>`, so callers cannot collide or read each other's results. */
  wireId: string;
  node: string;
  op: string;
  args: unknown;
  timeoutMs: number;
  state: 'pending' | 'done';
  result?: CommandResult;
  bytes: number;
  waiters: Waiter[];
  /** When it was last handed to the kernel (epoch ms). */
  sentAt?: number;
  /** When the last waiter left (pending commands only). */
  idleSince?: number;
  doneAt?: number;
}

/** The channel's counters (served with the settings, measured by the bench). */
export interface CommandStats {
  sent: number;
  resent: number;
  deduplicated: number;
  results: number;
  foreignResults: number;
  unknownResults: number;
  timeouts: number;
  notConnected: number;
}

/**
 * Commands to agents for other plugins (`nodes.command`), at most once per id: a repeated id
 * joins the pending command or answers its stored result, never sends again; pending commands
 * are re-sent when the node's agent reconnects (the agent answers a repeated id from its own
 * record). Results are accepted only from the node the command went to.
 */
export class CommandChannel {
  readonly stats: CommandStats = {
    sent: 0,
    resent: 0,
    deduplicated: 0,
    results: 0,
    foreignResults: 0,
    unknownResults: 0,
    timeouts: 0,
    notConnected: 0,
  };
  private readonly commands = new Map<string, Command>();
  private readonly pendingByNode = new Map<string, Set<string>>();
  private keptBytes = 0;
  private done = 0;

  constructor(private readonly ctx: PluginContext) {}

  /** Pending commands (sent, no result yet). */
  get pending(): number {
    return this.commands.size - this.done;
  }

  /**
   * Sends `op` to node `node` as `caller`'s command `id` and resolves the agent's result.
   * `describe` says why the node is not connected, for the error.
   */
  async run(
    caller: string,
    cmd: { node: string; id: string; op: string; args: unknown; timeoutMs: number },
    now: number,
    describe: () => string,
  ): Promise<CommandResult> {
    const wireId = `${caller}/${cmd.id}`;
    const known = this.commands.get(wireId);
    if (known) {
      if (known.node !== cmd.node || known.op !== cmd.op)
        throw pluginError(
          'OMEGA_ERR_CONFLICT',
          `Command id "${cmd.id}" was already used for ${known.op} on another node or op; use a new id.`,
          { id: cmd.id },
        );
      this.stats.deduplicated++;
      if (known.state === 'done' && known.result) return known.result;
      return this.wait(known, now + cmd.timeoutMs);
    }
    const c: Command = {
      wireId,
      node: cmd.node,
      op: cmd.op,
      args: cmd.args ?? null,
      timeoutMs: cmd.timeoutMs,
      state: 'pending',
      bytes: 0,
      waiters: [],
    };
    this.commands.set(wireId, c);
    this.track(c);
    const waiting = this.wait(c, now + cmd.timeoutMs);
    let delivered = false;
    let failure: Error | undefined;
    try {
      delivered = (await this.send(c)).delivered;
    } catch (err) {
      const code = (err as { code?: string })?.code;
      failure = pluginError(
        'OMEGA_ERR_UNAVAILABLE',
        `The kernel's agent gateway could not send to node ${cmd.node} (${code ?? 'error'}); retry with the same id.`,
        { node: cmd.node },
      );
    }
    if (!failure && !delivered && c.state === 'pending') {
      this.stats.notConnected++;
      failure = pluginError(
        'OMEGA_ERR_UNAVAILABLE',
        `Node ${cmd.node} is not connected (${describe()}); nothing was sent — retry with the same id once it is back.`,
        { node: cmd.node },
      );
    }
    if (failure) {
      // Nothing reached the agent: every waiter (a repeat may have joined meanwhile) hears so.
      this.forget(c);
      for (const w of c.waiters.splice(0)) w.reject(failure);
      return waiting;
    }
    this.stats.sent++;
    return waiting;
  }

  /** A `result` from node `node` arrived: settles its command (from that node only). */
  settle(node: string, result: { id: string } & CommandResult, now: number): void {
    const c = this.commands.get(result.id);
    if (!c) {
      this.stats.unknownResults++;
      return;
    }
    if (c.node !== node) {
      this.stats.foreignResults++;
      this.ctx.log
        .warn('nodes: a node answered a command sent to another node; ignored', { from: node, to: c.node })
        .catch(() => {});
      return;
    }
    if (c.state === 'done') return;
    const r: CommandResult = {
      ok: result.ok,
      ...(result.data !== undefined ? { data: result.data } : {}),
      // The agent's words reach session reasons, problem details and terminals: one printable
      // line each, like its reports (they were passed on raw). The data is the caller's to read.
      ...(result.error
        ? {
            error: {
              // a code of nothing printable is no code a caller could match
              code: printable(String(result.error.code)) || 'OMEGA_ERR_INTERNAL',
              message: printable(String(result.error.message)),
            },
          }
        : {}),
    };
    c.state = 'done';
    c.result = r;
    c.doneAt = now;
    c.bytes = JSON.stringify(r).length;
    this.keptBytes += c.bytes;
    this.done++;
    this.untrack(c);
    this.stats.results++;
    for (const w of c.waiters.splice(0)) w.resolve(r);
  }

  /**
   * The node's agent (re)connected at kernel time `at`: sends again its pending commands that
   * went to an earlier session (the agent dedupes by id); one sent after the new session
   * opened already went to it.
   */
  resend(node: string, at: number): void {
    const ids = this.pendingByNode.get(node);
    if (!ids) return;
    for (const id of ids) {
      const c = this.commands.get(id);
      if (!c || (c.sentAt ?? 0) > at) continue;
      this.stats.resent++;
      this.send(c).catch(() => {});
    }
  }

  /** Drops everything about a removed node: its pending commands fail. */
  dropNode(node: string): void {
    const ids = this.pendingByNode.get(node);
    if (!ids) return;
    for (const id of [...ids]) {
      const c = this.commands.get(id);
      if (!c) continue;
      for (const w of c.waiters.splice(0))
        w.reject(pluginError('OMEGA_ERR_NOT_FOUND', `Node ${node} was removed.`, { node }));
      this.forget(c);
    }
  }

  /** Times out waiters past their deadline; forgets abandoned commands and old results (the sweep). */
  sweep(now: number): void {
    for (const ids of this.pendingByNode.values()) {
      for (const id of ids) {
        const c = this.commands.get(id);
        if (!c) continue;
        const late = c.waiters.filter((w) => w.deadline <= now);
        if (late.length > 0) {
          c.waiters = c.waiters.filter((w) => w.deadline > now);
          for (const w of late) {
            this.stats.timeouts++;
            w.reject(
              nodeError(
                'NODES_ERR_COMMAND_TIMEOUT',
                `No result for command ${c.op} from node ${c.node} in ${Math.round(c.timeoutMs / 1000)} s; call again with the same id to keep waiting.`,
                { node: c.node },
              ),
            );
          }
          if (c.waiters.length === 0) c.idleSince = now;
        }
        if (c.waiters.length === 0 && c.idleSince !== undefined && now - c.idleSince >= ABANDONED_MS)
          this.forget(c);
      }
    }
    this.evict(now);
  }

  private wait(c: Command, deadline: number): Promise<CommandResult> {
    c.idleSince = undefined;
    return new Promise<CommandResult>((resolve, reject) => {
      c.waiters.push({ resolve, reject, deadline });
    });
  }

  private send(c: Command): Promise<{ delivered: boolean }> {
    c.sentAt = Date.now();
    return this.ctx.agents.send(c.node, {
      k: 'cmd',
      id: c.wireId,
      op: c.op,
      args: c.args,
      deadlineMs: c.timeoutMs,
    });
  }

  private track(c: Command): void {
    let s = this.pendingByNode.get(c.node);
    if (!s) {
      s = new Set();
      this.pendingByNode.set(c.node, s);
    }
    s.add(c.wireId);
  }

  private untrack(c: Command): void {
    const s = this.pendingByNode.get(c.node);
    s?.delete(c.wireId);
    if (s?.size === 0) this.pendingByNode.delete(c.node);
  }

  private forget(c: Command): void {
    this.untrack(c);
    if (this.commands.get(c.wireId) !== c) return;
    this.commands.delete(c.wireId);
    if (c.state === 'done') {
      this.keptBytes -= c.bytes;
      this.done--;
    }
  }

  /** Forgets finished results past their age, and the oldest ones while over the bounds. */
  private evict(now: number): void {
    for (const c of this.commands.values()) {
      if (c.state !== 'done') continue;
      const over = this.done > KEPT_RESULTS || this.keptBytes > KEPT_RESULT_BYTES;
      if (!over && now - (c.doneAt ?? now) < KEPT_RESULT_MS) break;
      this.forget(c);
    }
  }
}
