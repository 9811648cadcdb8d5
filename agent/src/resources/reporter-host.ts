/**
 * The structured logger reporters write to: the subset of pino's API they use, so the agent
 * passes its pino instance. Records carry names and numbers, never a probe key.
 */
export interface ReporterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What an op handler gets besides its arguments (the agent's OpContext, structurally). */
export interface ReporterOpContext {
  id: string;
  op: string;
  signal: AbortSignal;
}

/**
 * What the agent hands its reporters (the agent core's extension point, structurally: its
 * `Agent` has `report`, `ops` and `phase`). Reporters never hold the session: they say what they
 * observed through `report`, and answer commands through the ops they register.
 */
export interface ReporterHost {
  /** Sends a `report` message (docs/agent-protocol.md §1; ≤ 64 KiB of JSON). */
  report(topic: string, data: unknown): void;
  /**
   * True while a session with the kernel is open. Periodic snapshots are skipped while it is
   * not (each one replaces the last, so nothing is lost by not queueing them).
   */
  connected(): boolean;
  /** The agent's op table: `register` answers its undo. */
  ops: {
    register(op: string, handler: (args: unknown, ctx: ReporterOpContext) => unknown): () => void;
  };
  log: ReporterLogger;
}

/** A logger that drops every record. */
export const silentReporterLogger: ReporterLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
