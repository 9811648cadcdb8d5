import type { ReporterHost, ReporterOpContext } from '../../../src/resources/index.js';

/** A report as the harness received it. */
export interface Sent {
  topic: string;
  data: unknown;
}

/**
 * The reporters' side of the agent core for tests that run them without a kernel: it keeps the
 * reports they send (as the agent's `report` would frame them) and runs the ops they register
 * as the agent's op table would. Integration tests use the real agent instead.
 */
export function reporterHarness(connected = true) {
  const sent: Sent[] = [];
  const ops = new Map<string, (args: unknown, ctx: ReporterOpContext) => unknown>();
  const host: ReporterHost & { online: boolean } = {
    online: connected,
    report(topic, data) {
      const size = JSON.stringify(data).length;
      if (size > 64 * 1024) throw new Error(`report of ${size} bytes`);
      sent.push({ topic, data: JSON.parse(JSON.stringify(data)) });
    },
    connected() {
      return host.online;
    },
    ops: {
      register(op, handler) {
        if (ops.has(op)) throw new Error(`op ${op} registered twice`);
        ops.set(op, handler);
        return () => ops.delete(op);
      },
    },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  return {
    host,
    sent,
    ops,
    /** Runs a registered op as a command would. */
    async call(op: string, args: unknown): Promise<unknown> {
      const h = ops.get(op);
      if (!h) throw new Error(`no op ${op}`);
      return h(args, { id: `t-${Math.random()}`, op, signal: new AbortController().signal });
    },
    last<T = Record<string, unknown>>(topic: string): T | undefined {
      return [...sent].reverse().find((s) => s.topic === topic)?.data as T | undefined;
    },
  };
}
