/** What an op handler gets besides its arguments. */
export interface OpContext {
  /** The command id (the caller's idempotency key). */
  id: string;
  op: string;
  /** Aborted when the command's deadline passes or the agent stops. */
  signal: AbortSignal;
}

/** Runs one op: answers its result data, or throws (a coded error's `code` travels to the caller). */
export type OpHandler = (args: unknown, ctx: OpContext) => unknown | Promise<unknown>;

/** The agent's ops, extensible: the session executor registers `session.*` here. */
export interface OpTable {
  /** Adds `op`; answers its undo. Registering a name twice is refused. */
  register(op: string, handler: OpHandler): () => void;
  get(op: string): OpHandler | undefined;
  names(): string[];
}

/** Op names: dotted lowercase words (`ping`, `session.start`). */
export const OP_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Creates an empty {@link OpTable}. */
export function createOpTable(): OpTable {
  const ops = new Map<string, OpHandler>();
  return {
    register(op, handler) {
      if (!OP_NAME.test(op) || op.length > 128) throw new TypeError(`invalid op name "${op}"`);
      if (ops.has(op)) throw new TypeError(`op "${op}" is already registered`);
      ops.set(op, handler);
      return () => {
        if (ops.get(op) === handler) ops.delete(op);
      };
    },
    get: (op) => ops.get(op),
    names: () => [...ops.keys()].sort(),
  };
}
